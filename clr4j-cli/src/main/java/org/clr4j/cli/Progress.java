package org.clr4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on standard error, so standard output stays clean for results. */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private boolean closed;

  Progress(String task, long max, String unit) {
    this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(" " + unit, 1)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed()
        .setConsumer(ProgressOutput.standardError(110)).continuousUpdate().build();
  }

  void stepTo(long n, String message) {
    bar.stepTo(n);
    bar.setExtraMessage(" " + message); // the bar appends it right after its speed ("steps/s")
  }

  @Override
  public void close() {
    if (closed) {
      return; // closed early, before printing results, and again at the end of its try block
    }
    closed = true;
    bar.close();
  }
}
