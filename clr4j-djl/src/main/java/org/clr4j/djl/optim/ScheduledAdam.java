package org.clr4j.djl.optim;

/**
 * Adam (PyTorch's {@code torch.optim.Adam}) whose learning rate, and beta1 where the schedule cycles momentum,
 * follow the schedule at every step. Weight decay ({@code optWeightDecays}) is L2: it is added to the gradient.
 * Equations and bias correction: see {@link ScheduledAdamW} and docs/OPTIMIZERS.md.
 */
public final class ScheduledAdam extends AdamFamily {

  private ScheduledAdam(Builder b) {
    super(b, false);
  }

  /** A builder: {@code ScheduledAdam.builder().schedule(s).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  String kind() {
    return "adam";
  }

  /** Builds a {@link ScheduledAdam}; defaults beta1 0.9, beta2 0.999, epsilon 1e-8, weight decay 0. */
  public static final class Builder extends AdamFamily.Builder<Builder> {
    Builder() {}

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
