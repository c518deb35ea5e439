package org.clr4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) or SIGTERM during training: asks the loop to stop after its step, then keeps the JVM alive until
 * the command has saved the checkpoint, written its outputs and printed "interrupted at step N". The JVM exits as
 * soon as its shutdown hooks return, so without this wait the main thread was cut off before it could print.
 * The exit status is then the signal's: 130 for SIGINT, 143 for SIGTERM.
 */
final class StopOnSignal {
  /** Longest wait for the command to finish after a signal; a hung write must not keep the JVM forever. */
  static final long WAIT_SECONDS = 120;

  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  private StopOnSignal(Runnable requestStop) {
    this.hook = new Thread(() -> {
      requestStop.run();
      try {
        done.await(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "clr4j-stop-on-signal");
  }

  /** Registers the hook; {@link #release()} must follow once the command has printed everything. */
  static StopOnSignal install(Runnable requestStop) {
    StopOnSignal s = new StopOnSignal(requestStop);
    try {
      Runtime.getRuntime().addShutdownHook(s.hook);
    } catch (IllegalStateException shuttingDown) {
      // Already exiting: nothing to wait for.
    }
    return s;
  }

  /** The command is done (output flushed): let a waiting hook go, or unregister it. */
  void release() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running: it returns now that the latch is open.
    }
  }
}
