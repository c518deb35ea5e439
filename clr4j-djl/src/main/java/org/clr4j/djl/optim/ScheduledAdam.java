package org.clr4j.djl.optim;

import org.clr4j.Checks;

/**
 * Adam (PyTorch's {@code torch.optim.Adam}) whose learning rate, and beta1 where the schedule cycles momentum,
 * follow the schedule at every step. Weight decay ({@code optWeightDecays}) is L2: it is added to the gradient.
 * Equations and bias correction: see {@link ScheduledAdamW} and docs/OPTIMIZERS.md.
 */
public final class ScheduledAdam extends AdamFamily {

  private final double beta1;

  private ScheduledAdam(Builder b) {
    super(b, b.beta1, b.beta2, b.epsilon, false);
    this.beta1 = b.beta1;
  }

  /** A builder: {@code ScheduledAdam.builder().schedule(s).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The beta1 used wherever the schedule sets no momentum. */
  public double beta1() {
    return beta1;
  }

  @Override
  String kind() {
    return "adam";
  }

  /** Builds a {@link ScheduledAdam}; defaults beta1 0.9, beta2 0.999, epsilon 1e-8, weight decay 0. */
  public static final class Builder extends ScheduledOptimizer.Builder<Builder> {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;

    Builder() {}

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
    public ScheduledAdam build() {
      return new ScheduledAdam(this);
    }
  }
}
