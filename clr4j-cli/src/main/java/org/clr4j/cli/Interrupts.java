package org.clr4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for a command that trains: the JVM's shutdown hook asks the run to stop after its step (the
 * library registers no hook of its own) and then waits until the command has finished — checkpoint, outputs and
 * the "interrupted at step N" line — before the JVM exits.
 */
final class Interrupts {
  /** How long a signal waits for the command to finish its step and write its outputs. */
  private static final long GRACE_SECONDS = 120;

  private Interrupts() {}

  /** Installs the hook; close the scope when the command is done. */
  static Scope install() {
    return new Scope();
  }

  /** The window in which a signal stops the run gracefully. */
  static final class Scope implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Runnable stop = () -> {};
    private final Thread hook;

    private Scope() {
      hook = new Thread(() -> {
        stop.run();
        try {
          done.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "clr4j-stop-on-signal");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    /** What a signal does: e.g. {@code training::requestStop}. */
    void onSignal(Runnable action) {
      this.stop = action;
    }

    @Override
    public void close() {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it was waiting for the countDown above.
      }
    }
  }
}
