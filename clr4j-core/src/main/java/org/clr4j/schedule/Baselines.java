package org.clr4j.schedule;

import static org.clr4j.Checks.format;

/** The baseline schedules that cyclical policies are compared with, and the two ways of composing schedules. */
final class Baselines {
  private Baselines() {}

  /** A fixed rate. */
  record Constant(double lr) implements Schedule {
    @Override
    public double valueAt(long step) {
      Schedules.checkStep(step);
      return lr;
    }

    @Override
    public String toString() {
      return "constant(lr=" + format(lr) + ")";
    }
  }

  /** {@code lr * gamma^floor(step / every)}, as PyTorch {@code StepLR}. */
  record StepDecay(double lr, long every, double gamma) implements Schedule {
    @Override
    public double valueAt(long step) {
      Schedules.checkStep(step);
      return lr * Math.pow(gamma, step / every);
    }

    @Override
    public String toString() {
      return "step(lr=" + format(lr) + ", every=" + every + ", gamma=" + format(gamma) + ")";
    }
  }

  /** {@code lr * gamma^step}, as PyTorch {@code ExponentialLR}. */
  record Exponential(double lr, double gamma) implements Schedule {
    @Override
    public double valueAt(long step) {
      Schedules.checkStep(step);
      return lr * Math.pow(gamma, step);
    }

    @Override
    public String toString() {
      return "exponential(lr=" + format(lr) + ", gamma=" + format(gamma) + ")";
    }
  }

  /**
   * Cosine annealing from {@code lr} to {@code min} over {@code total} steps (PyTorch {@code CosineAnnealingLR}'s
   * closed form); holds {@code min} afterwards, where PyTorch's cosine would rise again.
   */
  record Cosine(double lr, long total, double min) implements Schedule {
    @Override
    public double valueAt(long step) {
      Schedules.checkStep(step);
      if (step >= total) {
        return min;
      }
      return min + (lr - min) * (1 + Math.cos(Math.PI * step / total)) / 2;
    }

    @Override
    public String toString() {
      return "cosine(lr=" + format(lr) + ", total=" + total + ", min=" + format(min) + ")";
    }
  }

  /**
   * Cosine annealing with warm restarts (SGDR), as PyTorch {@code CosineAnnealingWarmRestarts}: the first period
   * lasts {@code first} steps, each next one {@code mult} times longer.
   */
  record CosineRestarts(double lr, long first, long mult, double min) implements Schedule {
    @Override
    public double valueAt(long step) {
      Schedules.checkStep(step);
      long period = first;
      long inPeriod;
      if (mult == 1) {
        inPeriod = step % first;
      } else {
        inPeriod = step;
        while (inPeriod >= period) { // at most log_mult(step) rounds
          inPeriod -= period;
          period *= mult;
        }
      }
      return min + (lr - min) * (1 + Math.cos(Math.PI * inPeriod / period)) / 2;
    }

    @Override
    public String toString() {
      return "cosine_restarts(lr=" + format(lr) + ", first=" + first + ", mult=" + mult + ", min=" + format(min)
          + ")";
    }
  }

  /**
   * A linear warm-up from {@code start} to the wrapped schedule's first value over {@code steps} steps; then the
   * wrapped schedule from its step 0. Momentum during the warm-up is the wrapped schedule's first momentum.
   */
  record Warmup(long steps, double start, Schedule then) implements Schedule {
    @Override
    public long endStep() {
      long e = then.endStep();
      return e > Long.MAX_VALUE - steps ? Long.MAX_VALUE : steps + e;
    }

    @Override
    public double valueAt(long step) {
      Schedules.checkStep(step);
      if (step >= steps) {
        return then.valueAt(step - steps);
      }
      double target = then.valueAt(0);
      return start + (target - start) * step / steps;
    }

    @Override
    public double momentumAt(long step) {
      Schedules.checkStep(step);
      return then.momentumAt(Math.max(0, step - steps));
    }

    @Override
    public boolean hasMomentum() {
      return then.hasMomentum();
    }

    @Override
    public String toString() {
      return "warmup(steps=" + steps + ", start=" + format(start) + ", then=" + then + ")";
    }
  }

  /**
   * {@code first} for steps below {@code at}, then {@code then}, whose steps count from 0 again at {@code at}
   * (composition shifts the step, as in optax's {@code join_schedules}).
   */
  record Sequence(Schedule first, long at, Schedule then) implements Schedule {
    @Override
    public long endStep() {
      long e = then.endStep();
      return e > Long.MAX_VALUE - at ? Long.MAX_VALUE : at + e;
    }

    @Override
    public double valueAt(long step) {
      Schedules.checkStep(step);
      return step < at ? first.valueAt(step) : then.valueAt(step - at);
    }

    @Override
    public double momentumAt(long step) {
      Schedules.checkStep(step);
      return step < at ? first.momentumAt(step) : then.momentumAt(step - at);
    }

    @Override
    public boolean hasMomentum() {
      return first.hasMomentum() || then.hasMomentum();
    }

    @Override
    public String toString() {
      return "sequence(first=" + first + ", at=" + at + ", then=" + then + ")";
    }
  }
}
