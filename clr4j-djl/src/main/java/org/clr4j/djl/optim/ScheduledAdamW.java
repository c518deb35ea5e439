package org.clr4j.djl.optim;

import org.clr4j.Checks;

/**
 * AdamW (PyTorch's {@code torch.optim.AdamW}): Adam with decoupled weight decay, {@code w -= lr·wd·w} before the
 * Adam step, with the learning rate, and beta1 where the schedule cycles momentum, following the schedule at
 * every step. With {@code t} the parameter's update count and {@code b1} the step's beta1:
 *
 * <pre>
 *   w  = w - lr·wd·w
 *   m  = b1·m + (1 - b1)·g
 *   v  = b2·v + (1 - b2)·g²
 *   w -= lr / (1 - b1^t) · m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * <p>As in PyTorch, the bias correction {@code 1 - b1^t} uses the current beta1 even when it cycles.
 */
public final class ScheduledAdamW extends AdamFamily {

  private final double beta1;

  private ScheduledAdamW(Builder b) {
    super(b, b.beta1, b.beta2, b.epsilon, true);
    this.beta1 = b.beta1;
  }

  /** A builder: {@code ScheduledAdamW.builder().schedule(s).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The beta1 used wherever the schedule sets no momentum. */
  public double beta1() {
    return beta1;
  }

  @Override
  String kind() {
    return "adamw";
  }

  /**
   * Builds a {@link ScheduledAdamW}; defaults as PyTorch: beta1 0.9, beta2 0.999, epsilon 1e-8, weight decay
   * 0.01.
   */
  public static final class Builder extends ScheduledOptimizer.Builder<Builder> {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;

    Builder() {
      optWeightDecays(0.01f);
    }

    /** beta1 in [0, 1), used wherever the schedule sets no momentum (default 0.9). */
    public Builder beta1(double beta1) {
      this.beta1 = Checks.momentum("beta1", beta1);
      return this;
    }

    /** beta2 in [0, 1) (default 0.999). */
    public Builder beta2(double beta2) {
      this.beta2 = Checks.momentum("beta2", beta2);
      return this;
    }

    /** epsilon, finite and > 0 (default 1e-8). */
    public Builder epsilon(double epsilon) {
      this.epsilon = Checks.positive("epsilon", epsilon);
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Builds the optimizer; throws IllegalStateException if no schedule was set. */
    public ScheduledAdamW build() {
      return new ScheduledAdamW(this);
    }
  }
}
