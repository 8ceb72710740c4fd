package dev.legate.compiler.output;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A file being written, buffered, that knows how many bytes it holds and can take a range of another file's bytes as
 * they are: the kernel copies them ({@link FileChannel#transferTo}), so they never pass through the heap. Not
 * thread-safe.
 */
final class SplicingOutput extends OutputStream {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long drained;

    SplicingOutput(FileChannel channel) {
        this.channel = channel;
    }

    /** How many bytes have been written so far. */
    long position() {
        return drained + buffer.position();
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
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
