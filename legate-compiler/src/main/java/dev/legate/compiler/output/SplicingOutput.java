package dev.legate.compiler.output;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.jspecify.annotations.Nullable;

/**
 * A file being written, buffered, that knows how many bytes it holds and can take a range of another file's bytes as
 * they are: the kernel copies them ({@link FileChannel#transferTo}), so they never pass through the heap. Not
 * thread-safe.
 */
final class SplicingOutput extends OutputStream {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long drained;
    /**
     * A range of another file to append before anything else is written (see {@link #copyLater}); while there is one,
     * the buffer is empty.
     */
    private @Nullable FileChannel pendingSource;
    private long pendingFrom;
    private long pendingLength;

    SplicingOutput(FileChannel channel) {
        this.channel = channel;
    }

    /** How many bytes have been written so far. */
    long position() {
        return drained + buffer.position() + pendingLength;
    }

    /**
     * Appends bytes {@code [from, from + length)} of {@code source} once something else is written or the output is
     * flushed: a range that continues the one waiting ({@link #extendsPending}) joins it, so that runs of neighbours
     * are copied in one piece.
     */
    void copyLater(FileChannel source, long from, long length) throws IOException {
        if (pendingLength > 0 && extendsPending(source, from)) {
            pendingLength += length;
            return;
        }
        drain();
        pendingSource = source;
        pendingFrom = from;
        pendingLength = length;
    }

    /** Whether a range of {@code source} from {@code from} continues the one waiting to be copied. */
    boolean extendsPending(FileChannel source, long from) {
        return pendingLength > 0 && pendingSource == source && pendingFrom + pendingLength == from;
    }

    /** Where the range waiting to be copied ends in its file; -1 when none waits. */
    long pendingEnd() {
        return pendingLength > 0 ? pendingFrom + pendingLength : -1;
    }

    @Override
    public void write(int b) throws IOException {
        copyPending();
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        copyPending();
        if (len > buffer.remaining()) {
            drain();
            if (len > buffer.capacity()) {
                writeFully(ByteBuffer.wrap(b, off, len));
                return;
            }
        }
        buffer.put(b, off, len);
    }

    /** Appends bytes {@code [from, from + length)} of {@code source}. */
    void copy(FileChannel source, long from, long length) throws IOException {
        drain();
        transfer(source, from, length);
    }

    private void copyPending() throws IOException {
        if (pendingLength > 0) {
            long length = pendingLength;
            pendingLength = 0;
            transfer(requireNonNull(pendingSource), pendingFrom, length);
            pendingSource = null;
        }
    }

    private void transfer(FileChannel source, long from, long length) throws IOException {
        long position = from;
        long left = length;
        while (left > 0) {
            long n = source.transferTo(position, left, channel);
            if (n <= 0) {
                throw new EOFException("the earlier file ends before byte " + (from + length));
            }
            position += n;
            left -= n;
            drained += n;
        }
    }

    private void drain() throws IOException {
        copyPending();
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            drained += channel.write(bytes);
        }
    }

    /** Writes what is buffered (the channel stays open: its owner closes it). */
    @Override
    public void flush() throws IOException {
        drain();
    }
}
