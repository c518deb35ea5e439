package org.clr4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * Where progress bars draw: redrawn in place on a terminal; on a file or pipe (CI, {@code 2> log}, nohup) one
 * plain line every {@link #LOG_INTERVAL_NANOS}, and the last state at the end, instead of four carriage-return
 * redraws a second that would fill the log.
 */
final class ProgressOutput {
  static final long LOG_INTERVAL_NANOS = 30_000_000_000L;

  private ProgressOutput() {}

  /** The consumer for a bar of at most {@code width} characters on standard error. */
  static ProgressBarConsumer standardError(int width) {
    return stderrIsTerminal() ? new ConsoleProgressBarConsumer(System.err, width)
        : new Lines(System.err, width, LOG_INTERVAL_NANOS);
  }

  /** Whether standard error is a terminal: its descriptor links to a tty on Linux; elsewhere, a console exists. */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return System.console() != null;
    }
  }

  /** Renders as lines, at most one per interval, the latest always written when the bar closes. */
  static final class Lines implements ProgressBarConsumer {
    private final PrintStream out;
    private final int width;
    private final long intervalNanos;
    private long lastWritten;
    private boolean written;
    private String pending;

    Lines(PrintStream out, int width, long intervalNanos) {
      this.out = out;
      this.width = width;
      this.intervalNanos = intervalNanos;
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public synchronized void accept(String rendered) {
      long now = System.nanoTime();
      if (!written || now - lastWritten >= intervalNanos) {
        write(rendered);
        lastWritten = now;
      } else {
        pending = rendered;
      }
    }

    private void write(String line) {
      out.println(line.strip());
      out.flush();
      written = true;
      pending = null;
    }

    @Override
    public synchronized void close() {
      if (pending != null) {
        write(pending);
      }
    }
  }
}
