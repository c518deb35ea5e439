package org.clr4j.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The bench's overall progress bar on standard error: training steps done of all planned, the configuration in
 * progress, and the time left. The time left is estimated per model (a cnn step costs ~10 mlp steps), from the
 * seconds per step measured so far for that model (evaluation included) or, before the first, from a prior.
 */
final class BenchProgress implements AutoCloseable {
  private final ProgressBar bar;
  private final Map<String, Long> planned;
  private final Map<String, Double> priorSecondsPerStep;
  private final Map<String, Long> done = new LinkedHashMap<>();
  private final Map<String, Long> timedSteps = new LinkedHashMap<>();
  private final Map<String, Double> timedSeconds = new LinkedHashMap<>();
  private final int configurations;
  private int configuration;
  private long total;
  private long last = System.nanoTime();
  private String label = "";
  private volatile double eta;

  /**
   * @param planned training steps planned per model (PyTorch runs included)
   * @param priorSecondsPerStep per model, the guess used until a step of that model has been timed
   * @param configurations how many configurations the plan has
   */
  BenchProgress(Map<String, Long> planned, Map<String, Double> priorSecondsPerStep, int configurations) {
    this.planned = new LinkedHashMap<>(planned);
    this.priorSecondsPerStep = new LinkedHashMap<>(priorSecondsPerStep);
    this.configurations = configurations;
    long max = 0;
    for (long n : planned.values()) {
      max += n;
    }
    this.eta = secondsLeft();
    this.bar = new ProgressBarBuilder().setTaskName("bench").setInitialMax(Math.max(1, max)).setUnit(" steps", 1)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
        // The bar renders on its own thread: it only reads the volatile estimate, never this object's maps.
        .setEtaFunction(state -> Optional.of(Duration.ofSeconds(Math.round(eta))))
        .setConsumer(ProgressOutput.standardError(120)).continuousUpdate().build();
  }

  /** A new configuration starts; its time counts from now. */
  void begin(String what) {
    configuration++;
    label = what;
    last = System.nanoTime();
    show("");
  }

  /** {@code steps} more steps of {@code model} were trained since the last call (or {@link #begin}). */
  void trained(String model, long steps, String detail) {
    long now = System.nanoTime();
    timedSteps.merge(model, steps, Long::sum);
    timedSeconds.merge(model, (now - last) / 1e9, Double::sum);
    last = now;
    add(model, steps);
    show(detail);
  }

  /** A finished configuration of {@code steps} steps was found in the results and is skipped. */
  void skipped(String model, long steps) {
    configuration++;
    add(model, steps);
    last = System.nanoTime();
  }

  /** {@code steps} steps of {@code model} count as done without being timed (e.g. restored from a checkpoint). */
  void untimed(String model, long steps) {
    add(model, steps);
    last = System.nanoTime();
  }

  /** Estimated seconds until the plan is done. Called on the bench's thread only. */
  double secondsLeft() {
    double left = 0;
    for (Map.Entry<String, Long> e : planned.entrySet()) {
      long remaining = Math.max(0, e.getValue() - done.getOrDefault(e.getKey(), 0L));
      left += remaining * secondsPerStep(e.getKey());
    }
    return left;
  }

  private double secondsPerStep(String model) {
    long n = timedSteps.getOrDefault(model, 0L);
    return n > 0 ? timedSeconds.get(model) / n : priorSecondsPerStep.getOrDefault(model, 0.05);
  }

  private void add(String model, long steps) {
    done.merge(model, steps, Long::sum);
    total += steps;
    eta = secondsLeft();
    bar.stepTo(total);
  }

  private void show(String detail) {
    bar.setExtraMessage(" [" + configuration + "/" + configurations + "] " + label
        + (detail.isEmpty() ? "" : " " + detail));
  }

  @Override
  public void close() {
    bar.close();
  }
}
