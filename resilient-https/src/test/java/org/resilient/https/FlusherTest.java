package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a file being received is forced in the background, every so many bytes, and at its end")
class FlusherTest {
    @TempDir
    Path tmp;

    /** Runs nothing until told: the test sees what was started and runs it when it wants. */
    private static final class Held implements Executor {
        final List<Runnable> started = new ArrayList<>();

        @Override
        public void execute(Runnable r) {
            started.add(r);
        }
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(tmp.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @Test
    @DisplayName("a force starts once enough bytes are written, and only one at a time")
    void oneForceAtATime() throws IOException {
        Held held = new Held();
        try (FileChannel ch = open()) {
            Flusher f = new Flusher(ch, held, 100);
            f.written(60);
            assertEquals(0, held.started.size(), "60 of 100 bytes: no force yet");
            f.written(60);
            assertEquals(1, held.started.size(), "120 bytes: a force starts");
            f.written(500);
            assertEquals(1, held.started.size(), "none while one runs");
            held.started.get(0).run();
            f.written(1);
            assertEquals(2, held.started.size(), "the bytes written while it ran start the next");
            held.started.get(1).run();
            f.finish();
        }
    }

    @Test
    @DisplayName("a background force that failed fails finish(), not silently")
    void backgroundFailureIsThrown() throws IOException {
        Held held = new Held();
        FileChannel ch = open();
        Flusher f = new Flusher(ch, held, 10);
        ch.write(ByteBuffer.wrap(new byte[20]));
        f.written(20);
        ch.close();
        held.started.get(0).run();
        assertThrows(ClosedChannelException.class, f::finish);
    }

    @Test
    @DisplayName("finish() waits for the force in flight before its own")
    void finishWaits() throws Exception {
        Held held = new Held();
        try (FileChannel ch = open()) {
            Flusher f = new Flusher(ch, held, 10);
            f.written(10);
            Thread finisher = new Thread(() -> {
                try {
                    f.finish();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            finisher.start();
            // It cannot end before the held force has run: poll that it is still waiting (parked in wait()).
            long end = System.nanoTime() + 10_000_000_000L;
            while (finisher.getState() != Thread.State.WAITING && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertEquals(Thread.State.WAITING, finisher.getState(), "finish() returned before the force in flight ended");
            held.started.get(0).run();
            finisher.join(10_000);
            assertEquals(Thread.State.TERMINATED, finisher.getState());
        }
    }
}
