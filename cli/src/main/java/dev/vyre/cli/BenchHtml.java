package dev.vyre.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The {@code vyre bench --html} page: self-contained (no scripts, no external files, styles inline), with
 * an inline SVG plot of each measured latency distribution (latency on a log scale against percentile
 * on the usual {@code 1/(1-p)} log scale, as HdrHistogram plots it) and the comparison table with a bar
 * per throughput.
 */
final class BenchHtml {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 40;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    private static final double MAX_NINES = 6;

    private BenchHtml() {
    }

    /**
     * @param title    the page's title and heading
     * @param subtitle a line under the heading
     * @param rows     the measurements; those with a latency histogram are plotted
     * @return the whole page
     */
    static String render(String title, String subtitle, List<BenchRunner.Row> rows) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n")
                .append("table{border-collapse:collapse;margin-top:1em}\n")
                .append("th,td{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}\n")
                .append("th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}\n")
                .append(".bar{background:#1f77b4;height:.8em;display:inline-block}\n")
                .append(".bad{color:#d62728;font-weight:bold}\n</style>\n</head>\n<body>\n<h1>")
                .append(escape(title)).append("</h1>\n<p>").append(escape(subtitle)).append("</p>\n");
        b.append("<h2>Latency distribution</h2>\n").append(plot(rows));
        b.append("<h2>Throughput</h2>\n").append(table(rows));
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /** @return the SVG plot of every row that has a latency histogram */
    static String plot(List<BenchRunner.Row> rows) {
        List<BenchRunner.Row> plotted = new ArrayList<>();
        for (BenchRunner.Row r : rows) {
            if (r.latency() != null && r.latency().getTotalCount() > 0) {
                plotted.add(r);
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"latency by percentile\">%n", WIDTH, HEIGHT, WIDTH,
                HEIGHT));
        s.append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        if (plotted.isEmpty()) {
            s.append("<text x=\"20\" y=\"40\">no latency was measured</text>\n</svg>\n");
            return s.toString();
        }
        long maxCount = 1;
        long maxValue = 1;
        long minValue = Long.MAX_VALUE;
        for (BenchRunner.Row r : plotted) {
            maxCount = Math.max(maxCount, r.latency().getTotalCount());
            maxValue = Math.max(maxValue, r.latency().getMaxValue());
            minValue = Math.min(minValue, r.latency().getMinValue());
        }
        double nines = Math.min(MAX_NINES, Math.max(1, Math.ceil(Math.log10(maxCount))));
        // latency axis: whole decades of µs around every value
        int lowDecade = (int) Math.floor(Math.log10(Math.max(minValue, 100) / 1e3));
        int highDecade = Math.max(lowDecade + 1, (int) Math.ceil(Math.log10(Math.max(maxValue, 1) / 1e3)));
        int decades = highDecade - lowDecade;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        // axes and grid
        for (int k = 0; k <= (int) nines; k++) {
            double x = LEFT + plotW * k / nines;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n",
                    x, TOP, x, TOP + plotH));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s"
                    + "</text>%n", x, TOP + plotH + 18, percentLabel(k)));
        }
        for (int k = 0; k <= decades; k++) {
            double y = TOP + plotH - (double) plotH * k / decades;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, y, LEFT + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s"
                    + "</text>%n", LEFT - 6, y + 4, trim(Math.pow(10, lowDecade + k))));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>%n", LEFT, TOP, plotW, plotH));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">percentile"
                + "</text>%n", LEFT + plotW / 2, HEIGHT - 8));
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 16 %d)\">latency (µs)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        // one line per distribution
        for (int i = 0; i < plotted.size(); i++) {
            BenchRunner.Row r = plotted.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (HistogramIterationValue v : r.latency().percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                double x = p >= 1 ? nines : Math.min(nines, Math.log10(1 / (1 - p)));
                double micros = Math.max(v.getValueIteratedTo(), 1) / 1e3;
                double y = Math.clamp((Math.log10(micros) - lowDecade) / decades, 0, 1);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * x / nines,
                        TOP + plotH - plotH * y));
            }
            s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                    .append(points.toString().strip()).append("\"/>\n");
            int ly = TOP + 18 + 18 * i;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"3\"/>%n", LEFT + 12, ly - 4, LEFT + 32, ly - 4, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", LEFT + 38, ly,
                    escape(r.api() + " (" + r.mode() + "), p50 " + BenchTable.percentile(r.latency(), 50)
                            + ", p99 " + BenchTable.percentile(r.latency(), 99))));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** @return the comparison table, with a bar per throughput scaled to the fastest */
    static String table(List<BenchRunner.Row> rows) {
        double best = 0;
        for (BenchRunner.Row r : rows) {
            best = Math.max(best, r.rate());
        }
        StringBuilder t = new StringBuilder("<table>\n<tr>");
        for (String c : BenchTable.COLUMNS) {
            t.append("<th>").append(escape(c)).append("</th>");
        }
        t.append("<th></th></tr>\n");
        for (BenchRunner.Row r : rows) {
            if (r.unavailable() != null) {
                t.append("<tr><td>").append(escape(r.api())).append("</td><td>").append(escape(r.mode()))
                        .append("</td><td colspan=\"").append(BenchTable.COLUMNS.size() - 1)
                        .append("\" style=\"text-align:left\">unavailable: ").append(escape(r.unavailable()))
                        .append("</td></tr>\n");
                continue;
            }
            Histogram h = r.latency();
            t.append("<tr><td>").append(escape(r.api())).append("</td><td>").append(escape(r.mode()))
                    .append("</td><td>").append(Formats.count(r.slots()))
                    .append("</td><td>").append(Formats.rate(r.slots(), r.nanos() / 1e9))
                    .append("</td><td>").append(escape(BenchTable.percentile(h, 50)))
                    .append("</td><td>").append(escape(BenchTable.percentile(h, 99)))
                    .append("</td><td>").append(escape(BenchTable.percentile(h, 99.9)))
                    .append("</td><td>").append(escape(h == null ? "-" : Formats.micros(h.getMaxValue())))
                    .append("</td><td").append(r.verified() ? ">yes" : " class=\"bad\" title=\"" + escape(r.failure())
                            + "\">NO").append("</td><td style=\"text-align:left;width:240px\">")
                    .append(String.format(Locale.ROOT, "<span class=\"bar\" style=\"width:%.1f%%\"></span>",
                            best > 0 ? 100 * r.rate() / best : 0))
                    .append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    private static String percentLabel(int nines) {
        return switch (nines) {
            case 0 -> "0%";
            case 1 -> "90%";
            case 2 -> "99%";
            default -> "99." + "9".repeat(nines - 2) + "%";
        };
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%,.2f", v);
    }

    /** @return {@code text} with HTML's special characters escaped */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
