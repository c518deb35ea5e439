package org.clr4j.cli;

import java.io.PrintWriter;

/**
 * A line printed when Ctrl-C or SIGTERM ends the JVM during work that saves nothing (a range test, the weight-decay
 * search), so the user learns what was lost and what to do instead of a bare exit status. A shutdown hook, so it
 * must be closed when that work ends: it would run on any later exit.
 */
final class NoteOnSignal implements AutoCloseable {
  private final Thread hook;

  private NoteOnSignal(PrintWriter err, String line) {
    this.hook = new Thread(() -> {
      err.println();
      err.println(line);
      err.flush();
    }, "clr4j-note-on-signal");
  }

  static NoteOnSignal install(PrintWriter err, String line) {
    NoteOnSignal n = new NoteOnSignal(err, line);
    try {
      Runtime.getRuntime().addShutdownHook(n.hook);
    } catch (IllegalStateException shuttingDown) {
      // Already exiting.
    }
    return n;
  }

  /** The work is over: the line no longer applies. Idempotent. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run.
    }
  }
}
