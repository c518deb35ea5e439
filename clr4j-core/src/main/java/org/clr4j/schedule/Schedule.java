package org.clr4j.schedule;

/**
 * A learning-rate schedule: an immutable, pure function from a 0-based training step to a learning rate and,
 * where the schedule cycles it, a momentum (for Adam-like optimizers, beta1).
 *
 * <p>Step 0 is the value used by the first training step, which is what a PyTorch scheduler holds right after it
 * is constructed. Schedules hold no counter: the step is always passed in, so a schedule can be shared, composed,
 * previewed and resumed freely. Every implementation's {@link #toString()} is its canonical text spec, which
 * {@link #parse(String)} reads back to an equal schedule (see docs/SPEC.md for the grammar).
 *
 * <p>Calls are allocation-free and cost a few nanoseconds; see docs/BENCHMARKS.md.
 */
public interface Schedule {

  /**
   * The learning rate for training step {@code step}.
   *
   * @throws IllegalArgumentException if {@code step < 0}
   */
  double valueAt(long step);

  /**
   * The momentum (or beta1) for training step {@code step}, or {@code NaN} where this schedule does not set one,
   * in which case the optimizer keeps its own configured momentum.
   *
   * @throws IllegalArgumentException if {@code step < 0}
   */
  default double momentumAt(long step) {
    Schedules.checkStep(step);
    return Double.NaN;
  }

  /**
   * The step from which this schedule holds its last value for good ({@code onecycle}'s {@code total}), or
   * {@link Long#MAX_VALUE} for a schedule that goes on changing (cyclic, exponential, step decay, constant). A run
   * longer than this spends its remaining steps at the final rate: worth a warning.
   */
  default long endStep() {
    return Long.MAX_VALUE;
  }

  /** Whether {@link #momentumAt(long)} returns a number for at least some steps. */
  default boolean hasMomentum() {
    return false;
  }

  /**
   * This schedule for steps {@code 0 … boundary-1}, then {@code next}, whose step count starts again at 0 at
   * {@code boundary}.
   */
  default Schedule then(long boundary, Schedule next) {
    return Schedules.sequence(this, boundary, next);
  }

  /** A linear warm-up from {@code startLr} over {@code steps} steps, then this schedule (starting at its step 0). */
  default Schedule afterWarmup(long steps, double startLr) {
    return Schedules.warmup(steps, startLr, this);
  }

  /** The canonical text spec of this schedule, e.g. {@code triangular(base=0.001, max=0.006, up=2000)}. */
  @Override
  String toString();

  /**
   * Reads a text spec such as {@code onecycle(max=0.1, total=1000)}.
   *
   * @throws IllegalArgumentException quoting the offending text and its position when the spec is malformed or
   *     breaks a rule of the schedule
   */
  static Schedule parse(String spec) {
    return SpecParser.parse(spec);
  }
}
