package dev.vyre.micrometer;

import dev.vyre.api.Session;
import dev.vyre.protocol.BuiltinOpcode;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.CustomOpcode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.apiguardian.api.API;

/**
 * Binds the counters one {@link Session} keeps in its control buffer, ring and IO queue to a Micrometer
 * {@link MeterRegistry}. Every meter carries the tag {@code backend} and the caller's tags:
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>source</th></tr>
 *   <tr><td>{@code vyre.session.done}</td><td>function counter</td><td></td>
 *       <td>DONE_COUNT (control word 1), extended past its 32-bit wrap</td></tr>
 *   <tr><td>{@code vyre.session.epoch}</td><td>gauge</td><td></td><td>EPOCH (word 128): BATCH_FENCE slots</td></tr>
 *   <tr><td>{@code vyre.session.opcode.executions}</td><td>function counter</td><td>{@code opcode}</td>
 *       <td>per-opcode metric (word 96 + k) of the eight built-ins below 32 and of the session's custom
 *       opcodes below 32</td></tr>
 *   <tr><td>{@code vyre.session.tenant.authorized}</td><td>gauge (0/1)</td><td>{@code tenant}</td>
 *       <td>tenant mask (word 3 + t), tenants below min(tenantCount, 29)</td></tr>
 *   <tr><td>{@code vyre.session.tenant.quota}</td><td>gauge</td><td>{@code tenant}</td>
 *       <td>tenant quota (word 32 + t), tenants below min(tenantCount, 32)</td></tr>
 *   <tr><td>{@code vyre.session.tenant.fairness}</td><td>gauge</td><td>{@code tenant}</td>
 *       <td>tenant fairness counter (word 64 + t), tenants below min(tenantCount, 32)</td></tr>
 *   <tr><td>{@code vyre.session.priority.fairness}</td><td>gauge</td><td>{@code priority} 0..4</td>
 *       <td>per-priority fairness counter (word 136 + p)</td></tr>
 *   <tr><td>{@code vyre.session.priority.starvation}</td><td>gauge</td><td></td><td>word 135</td></tr>
 *   <tr><td>{@code vyre.session.ring.slots}</td><td>gauge</td><td>{@code status} EMPTY .. FAULT, UNKNOWN</td>
 *       <td>ring slots per status (ring occupancy)</td></tr>
 *   <tr><td>{@code vyre.session.io.depth}</td><td>gauge</td><td>{@code status} PUBLISHED, CLAIMED</td>
 *       <td>IO requests waiting for the host's IO service, and being served</td></tr>
 * </table>
 *
 * <p>Values come from copies of the control buffer, ring and IO queue ({@link Session#controlSnapshot()},
 * {@link Session#ringSnapshot()}, {@link Session#ioQueueSnapshot()}) taken at most once per
 * {@code snapshotMaxAge}, so one scrape costs one copy of each; the ring copy is 64 bytes a slot. After the
 * session is closed the meters keep their last values; remove them from the registry when done. The
 * meters hold the session strongly while the registry holds them. Nothing here runs on the session's
 * publishing path.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class VyreSessionMetrics implements MeterBinder {

    /** How long one set of copies serves every meter, unless told otherwise. */
    public static final Duration DEFAULT_SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

    private final Session session;
    private final Tags tags;
    private final SessionSnapshots snapshots;

    /** Meters for {@code session}, tagged with its backend, copies at most once a second. */
    public VyreSessionMetrics(Session session) {
        this(session, Tags.empty(), DEFAULT_SNAPSHOT_MAX_AGE);
    }

    /**
     * @param session        the session to observe
     * @param tags           tags added to every meter (e.g. {@code Tags.of("session", "ingest")} when several
     *                       sessions share a registry)
     * @param snapshotMaxAge how long one set of copies serves every meter; {@link Duration#ZERO} copies on
     *                       every read
     * @throws IllegalArgumentException when {@code snapshotMaxAge} is negative
     */
    public VyreSessionMetrics(Session session, Iterable<Tag> tags, Duration snapshotMaxAge) {
        this.session = Objects.requireNonNull(session, "session");
        Objects.requireNonNull(snapshotMaxAge, "snapshotMaxAge");
        if (snapshotMaxAge.isNegative()) {
            throw new IllegalArgumentException("snapshotMaxAge is " + snapshotMaxAge + ". Fix: pass Duration.ZERO"
                    + " or a positive duration");
        }
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("backend", session.backendName());
        this.snapshots = new SessionSnapshots(session, snapshotMaxAge, System::nanoTime);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("vyre.session.done", snapshots, SessionSnapshots::done).tags(tags)
                .description("slots the interpreter executed (DONE_COUNT)").baseUnit("slots").register(registry);
        gauge(registry, "vyre.session.epoch", Tags.empty(), s -> s.controlWord(ControlLayout.EPOCH),
                "BATCH_FENCE epoch (control word 128)", null);

        TreeMap<Integer, String> opcodes = new TreeMap<>();
        for (BuiltinOpcode op : BuiltinOpcode.values()) {
            if (Integer.compareUnsigned(op.wire(), Opcodes.METRIC_OPCODES) < 0) {
                opcodes.put(op.wire(), op.name());
            }
        }
        for (CustomOpcode op : session.options().opcodes().entries()) {
            if (Integer.compareUnsigned(op.opcode(), Opcodes.METRIC_OPCODES) < 0) {
                opcodes.putIfAbsent(op.opcode(), String.format(Locale.ROOT, "0x%x", op.opcode()));
            }
        }
        opcodes.forEach((code, name) -> FunctionCounter.builder("vyre.session.opcode.executions", snapshots,
                        s -> s.controlWord(ControlLayout.METRICS_BASE + code)).tags(tags).tag("opcode", name)
                .description("slots (and packed ops) executed per opcode (control words 96..127)")
                .baseUnit("slots").register(registry));

        int tenants = session.options().tenantCount();
        for (int t = 0; t < Math.min(tenants, ControlLayout.TENANT_MASK_SLOTS); t++) {
            int word = ControlLayout.TENANT_MASK_BASE + t;
            gauge(registry, "vyre.session.tenant.authorized", Tags.of("tenant", Integer.toString(t)),
                    s -> s.controlWord(word) != 0 ? 1 : 0, "1 while the tenant's mask authorises it", null);
        }
        for (int t = 0; t < Math.min(tenants, ControlLayout.TENANT_QUOTA_SLOTS); t++) {
            int quota = ControlLayout.TENANT_QUOTA_BASE + t;
            int fairness = ControlLayout.TENANT_FAIRNESS_BASE + t;
            Tags tenant = Tags.of("tenant", Integer.toString(t));
            gauge(registry, "vyre.session.tenant.quota", tenant, s -> s.controlWord(quota),
                    "the tenant's quota (control words 32..63)", null);
            gauge(registry, "vyre.session.tenant.fairness", tenant, s -> s.controlWord(fairness),
                    "the tenant's fairness counter (control words 64..95)", null);
        }
        for (int p = 0; p < ControlLayout.PRIORITY_FAIRNESS_SLOTS; p++) {
            int word = ControlLayout.PRIORITY_FAIRNESS_BASE + p;
            gauge(registry, "vyre.session.priority.fairness", Tags.of("priority", Integer.toString(p)),
                    s -> s.controlWord(word), "per-priority fairness counter (control words 136..140)", null);
        }
        gauge(registry, "vyre.session.priority.starvation", Tags.empty(),
                s -> s.controlWord(ControlLayout.PRIORITY_STARVATION_COUNTER),
                "priority starvation counter (control word 135)", null);

        for (int status = 0; status <= SessionSnapshots.UNKNOWN; status++) {
            int k = status;
            String name = status == SessionSnapshots.UNKNOWN ? "UNKNOWN" : SlotStatus.name(status);
            gauge(registry, "vyre.session.ring.slots", Tags.of("status", name), s -> s.ringSlots(k),
                    "ring slots per status", "slots");
        }
        for (int status : new int[] {SlotStatus.PUBLISHED, SlotStatus.CLAIMED}) {
            gauge(registry, "vyre.session.io.depth", Tags.of("status", SlotStatus.name(status)),
                    s -> s.ioRequests(status), "IO requests waiting for the host (PUBLISHED) or being served"
                            + " (CLAIMED)", "requests");
        }
    }

    private void gauge(MeterRegistry registry, String name, Tags extra, ToDoubleFunction<SessionSnapshots> value,
                       String description, String unit) {
        Gauge.Builder<SessionSnapshots> b = Gauge.builder(name, snapshots, value).tags(tags.and(extra))
                .description(description).strongReference(true);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }
}
