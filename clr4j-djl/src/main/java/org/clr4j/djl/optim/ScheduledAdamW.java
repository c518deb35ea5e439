package org.clr4j.djl.optim;

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

  private ScheduledAdamW(Builder b) {
    super(b, true);
  }

  /** A builder: {@code ScheduledAdamW.builder().schedule(s).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  String kind() {
    return "adamw";
  }

  /**
   * Builds a {@link ScheduledAdamW}; defaults as PyTorch: beta1 0.9, beta2 0.999, epsilon 1e-8, weight decay
   * 0.01.
   */
  public static final class Builder extends AdamFamily.Builder<Builder> {
    Builder() {
      optWeightDecays(0.01f);
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
