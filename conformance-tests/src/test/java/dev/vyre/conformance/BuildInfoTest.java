package dev.vyre.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every conformance report names the build that produced it: commit, build time, version, and the device. */
class BuildInfoTest {

    @Test
    void theBuildCarriesTheCheckedOutCommitAndItsBuildTime() throws Exception {
        BuildInfo build = BuildInfo.current();
        String head = gitHead();
        if (head != null) {
            assertEquals(head, build.commit(), "build.properties must name the commit this tree is at");
            assertTrue(build.dirty().equals("true") || build.dirty().equals("false"), build.dirty());
        } else {
            assertEquals(BuildInfo.UNKNOWN, build.commit(), "outside a git work tree the commit is unknown");
        }
        Instant built = Instant.parse(build.buildTime());
        Instant now = Instant.now();
        assertTrue(!built.isAfter(now.plusSeconds(60)) && built.isAfter(now.minus(Duration.ofHours(12))),
                "build time " + built + " is not this build's (now " + now + ")");
        assertTrue(build.version().matches("\\d+\\.\\d+\\.\\d+.*"), build.version());
    }

    @Test
    void everyReportCarriesCommitBuildTimeAndDevice() {
        SuiteReport report = new SuiteReport("reference", "Java 25 on Linux/amd64, 2 cores", "vyre reference", "",
                Instant.parse("2026-12-05T10:00:00Z"), List.of());
        String json = report.toJson();
        BuildInfo build = BuildInfo.current();
        assertTrue(json.contains("\"commit\": \"" + build.commit() + "\""), json);
        assertTrue(json.contains("\"commitDirty\": \"" + build.dirty() + "\""), json);
        assertTrue(json.contains("\"buildTime\": \"" + build.buildTime() + "\""), json);
        assertTrue(json.contains("\"version\": \"" + build.version() + "\""), json);
        assertTrue(json.contains("\"device\": \"Java 25 on Linux/amd64, 2 cores\""), json);
    }

    @Test
    void anUnfilteredOrMissingValueReadsUnknown() {
        Properties p = new Properties();
        p.setProperty("commit", "${git.commit.id}");
        p.setProperty("buildTime", " ");
        p.setProperty("version", "1.2.3");
        BuildInfo info = BuildInfo.from(p);
        assertEquals(new BuildInfo(BuildInfo.UNKNOWN, BuildInfo.UNKNOWN, BuildInfo.UNKNOWN, "1.2.3"), info);
    }

    /** @return HEAD of the work tree this module is in, or null when there is none (or no git) */
    private static String gitHead() throws IOException, InterruptedException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".git"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return null;
        }
        Process git;
        try {
            git = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD").redirectErrorStream(true).start();
        } catch (IOException noGit) {
            return null;
        }
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0) {
            return null;
        }
        return out;
    }
}
