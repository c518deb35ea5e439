package org.clr4j.djl;

import ai.djl.training.tracker.Tracker;
import java.util.Objects;
import org.clr4j.Checks;
import org.clr4j.schedule.Schedule;

/**
 * A DJL {@link Tracker} that follows a clr4j {@link Schedule}, for use with DJL's built-in optimizers, e.g.
 * {@code Optimizer.adam().optLearningRateTracker(new ScheduleTracker(schedule))}.
 *
 * <p><b>Step mapping.</b> DJL's optimizers count updates from 1: the first {@code update} asks for
 * {@code getNewValue(1)}. clr4j's step 0 is the first training step. So DJL {@code numUpdate} {@code n} maps to
 * clr4j step {@code n - 1 + stepOffset}. DJL itself also asks for {@code getNewValue(0)} (its
 * {@code WarmUpTracker} reads its wrapped tracker's value at 0 when built, and {@code EpsilonGreedy} counts from
 * 0); {@code numUpdate 0} therefore also means step {@code stepOffset}, the value before the first update. A
 * negative {@code numUpdate} is rejected.
 *
 * <p>Note that DJL's own {@code Sgd} keeps the learning rate inside its velocity; to cycle the learning rate of
 * SGD with momentum use {@link org.clr4j.djl.optim.ScheduledSgd}, which keeps PyTorch's formulation (see
 * docs/OPTIMIZERS.md).
 */
public final class ScheduleTracker implements Tracker {

  private final Schedule schedule;
  private final long stepOffset;

  /** A tracker whose DJL update 1 is step 0 of {@code schedule}. */
  public ScheduleTracker(Schedule schedule) {
    this(schedule, 0);
  }

  /**
   * A tracker whose DJL update 1 is step {@code stepOffset} of {@code schedule}, for resuming a run part way
   * through its schedule.
   */
  public ScheduleTracker(Schedule schedule, long stepOffset) {
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.stepOffset = Checks.atLeast("stepOffset", stepOffset, 0L);
  }

  /** The clr4j step that DJL's {@code numUpdate} stands for: {@code max(numUpdate - 1, 0) + stepOffset}. */
  public long stepFor(int numUpdate) {
    if (numUpdate < 0) {
      throw new IllegalArgumentException(
          "numUpdate (" + numUpdate + ") must be >= 0 (DJL counts updates from 1; 1 is clr4j step 0)");
    }
    return stepOffset + Math.max(numUpdate - 1, 0);
  }

  /** The learning rate for DJL update {@code numUpdate}: {@code schedule.valueAt(stepFor(numUpdate))}. */
  @Override
  public float getNewValue(int numUpdate) {
    return (float) schedule.valueAt(stepFor(numUpdate));
  }

  /**
   * A tracker over the schedule's momentum with the same step mapping, giving {@code fallback} at steps where the
   * schedule sets no momentum. Useful for logging; DJL's built-in optimizers take a fixed momentum.
   */
  public Tracker momentumTracker(double fallback) {
    Checks.momentum("fallback", fallback);
    return numUpdate -> {
      double m = schedule.momentumAt(stepFor(numUpdate));
      return (float) (Double.isNaN(m) ? fallback : m);
    };
  }

  /** The schedule followed. */
  public Schedule schedule() {
    return schedule;
  }

  /** The clr4j step of DJL update 1. */
  public long stepOffset() {
    return stepOffset;
  }

  @Override
  public String toString() {
    return "ScheduleTracker(" + schedule + (stepOffset == 0 ? "" : ", stepOffset=" + stepOffset) + ")";
  }
}
