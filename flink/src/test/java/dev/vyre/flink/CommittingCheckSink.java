package dev.vyre.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A two-phase-committing test sink: each writer hands the (id, crc) results it received since the last
 * checkpoint to Flink as one committable batch with a unique id; the committer applies a batch once (a retried
 * batch, e.g. after a restore, is recognised by its id) to a per-id count and value. Results a failed attempt
 * wrote after its last checkpoint are never committed. Static, so one job at a time in this JVM.
 */
final class CommittingCheckSink implements Sink<Tuple2<Long, Integer>>, SupportsCommitter<CommittingCheckSink.Batch> {
    private static final long serialVersionUID = 1L;

    /** One committable: unique id, then (id << 32 | crc) per result. */
    record Batch(long uid, long[] results) {
    }

    private static final AtomicLong NEXT_UID = new AtomicLong();
    private static final Set<Long> COMMITTED = ConcurrentHashMap.newKeySet();
    static volatile AtomicIntegerArray counts;
    static volatile AtomicIntegerArray values;

    /** Clears the committed state for a job of {@code records} ids. */
    static void reset(int records) {
        COMMITTED.clear();
        counts = new AtomicIntegerArray(records);
        values = new AtomicIntegerArray(records);
    }

    @Override
    public SinkWriter<Tuple2<Long, Integer>> createWriter(WriterInitContext context) {
        return new Writer();
    }

    @Override
    public Committer<Batch> createCommitter(CommitterInitContext context) {
        return new Apply();
    }

    @Override
    public SimpleVersionedSerializer<Batch> getCommittableSerializer() {
        return new Serializer();
    }

    private static final class Writer implements CommittingSinkWriter<Tuple2<Long, Integer>, Batch> {
        private long[] pending = new long[1 << 14];
        private int size;

        @Override
        public void write(Tuple2<Long, Integer> r, Context context) {
            if (size == pending.length) {
                pending = Arrays.copyOf(pending, size * 2);
            }
            pending[size++] = (r.f0 << 32) | (r.f1 & 0xFFFF_FFFFL);
        }

        @Override
        public void flush(boolean endOfInput) {
        }

        @Override
        public Collection<Batch> prepareCommit() {
            if (size == 0) {
                return List.of();
            }
            Batch batch = new Batch(NEXT_UID.incrementAndGet(), Arrays.copyOf(pending, size));
            size = 0;
            return List.of(batch);
        }

        @Override
        public void close() {
        }
    }

    private static final class Apply implements Committer<Batch> {
        @Override
        public void commit(Collection<CommitRequest<Batch>> requests) {
            for (CommitRequest<Batch> request : requests) {
                Batch batch = request.getCommittable();
                if (!COMMITTED.add(batch.uid())) {
                    request.signalAlreadyCommitted();
                    continue;
                }
                for (long v : batch.results()) {
                    int id = (int) (v >>> 32);
                    counts.incrementAndGet(id);
                    values.set(id, (int) v);
                }
            }
        }

        @Override
        public void close() {
        }
    }

    private static final class Serializer implements SimpleVersionedSerializer<Batch> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Batch batch) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(12 + batch.results().length * 8);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeLong(batch.uid());
                out.writeInt(batch.results().length);
                for (long v : batch.results()) {
                    out.writeLong(v);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Batch deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                long uid = in.readLong();
                long[] results = new long[in.readInt()];
                for (int i = 0; i < results.length; i++) {
                    results[i] = in.readLong();
                }
                return new Batch(uid, results);
            }
        }
    }
}
