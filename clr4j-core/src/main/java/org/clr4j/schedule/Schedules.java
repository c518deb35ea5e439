package org.clr4j.schedule;

import org.clr4j.Checks;

/**
 * Creates schedules. Cyclic and 1cycle schedules come from builders; the baselines and compositions from one call.
 * Every factory validates its arguments and names the offending one.
 */
public final class Schedules {
  private Schedules() {}

  /** A builder for a triangular, triangular2 or exp_range schedule. */
  public static CyclicScheduleBuilder cyclic(CyclicPolicy policy) {
    return new CyclicScheduleBuilder(policy);
  }

  /**
   * A builder for a cyclic schedule whose amplitude is scaled by {@code scale}, evaluated at the cycle number or the
   * step as {@code mode} says (PyTorch's {@code scale_fn} / {@code scale_mode}). Such a schedule has no text spec.
   */
  public static CyclicScheduleBuilder cyclic(ScaleFunction scale, ScaleMode mode) {
    return new CyclicScheduleBuilder(scale, mode);
  }

  /** A builder for a 1cycle schedule. */
  public static OneCycleScheduleBuilder oneCycle() {
    return new OneCycleScheduleBuilder();
  }

  /** A fixed learning rate. */
  public static Schedule constant(double lr) {
    return new Baselines.Constant(Checks.positive("lr", lr));
  }

  /** {@code lr * gamma^floor(step / every)}: PyTorch's {@code StepLR}. */
  public static Schedule stepDecay(double lr, long every, double gamma) {
    return new Baselines.StepDecay(Checks.positive("lr", lr), Checks.atLeast("every", every, 1),
        Checks.inZeroOne("gamma", gamma));
  }

  /** {@code lr * gamma^step}: PyTorch's {@code ExponentialLR}. */
  public static Schedule exponential(double lr, double gamma) {
    return new Baselines.Exponential(Checks.positive("lr", lr), Checks.inZeroOne("gamma", gamma));
  }

  /** Cosine annealing from {@code lr} down to {@code min} over {@code total} steps, then {@code min}. */
  public static Schedule cosine(double lr, long total, double min) {
    Checks.positive("lr", lr);
    Checks.nonNegative("min", min);
    Checks.ordered("min", min, "lr", lr);
    return new Baselines.Cosine(lr, Checks.atLeast("total", total, 1), min);
  }

  /** Cosine annealing with warm restarts: periods of {@code first}, {@code first*mult}, … steps. */
  public static Schedule cosineRestarts(double lr, long first, long mult, double min) {
    Checks.positive("lr", lr);
    Checks.nonNegative("min", min);
    Checks.ordered("min", min, "lr", lr);
    return new Baselines.CosineRestarts(lr, Checks.atLeast("first", first, 1), Checks.atLeast("mult", mult, 1), min);
  }

  /** A linear warm-up from {@code startLr} over {@code steps} steps, then {@code then} from its step 0. */
  public static Schedule warmup(long steps, double startLr, Schedule then) {
    return new Baselines.Warmup(Checks.atLeast("steps", steps, 1), Checks.nonNegative("start", startLr),
        Checks.notNull("then", then));
  }

  /** {@code first} for steps below {@code at}, then {@code then} with its steps counted from {@code at}. */
  public static Schedule sequence(Schedule first, long at, Schedule then) {
    return new Baselines.Sequence(Checks.notNull("first", first), Checks.atLeast("at", at, 1),
        Checks.notNull("then", then));
  }

  static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step (" + step + ") must be >= 0");
    }
  }
}
