package org.clr4j.djl.optim;

import ai.djl.ndarray.NDArray;
import org.clr4j.Checks;

/**
 * Schedule-Free SGD (Defazio et al., arXiv 2405.15682; the authors' {@code SGDScheduleFreeReference}). With
 * {@code g} the gradient at the weights {@code y} (rescaled and clipped), {@code γ_t} the schedule's rate,
 * {@code wd} the weight decay ({@code optWeightDecays}, an L2 term taken at {@code y}) and {@code β} the momentum:
 *
 * <pre>
 *   z = z - γ_t·(g + wd·y)
 *   c = γ_t² / Σ_{i≤t} γ_i²
 *   x = (1 - c)·x + c·z
 *   y = β·x + (1 - β)·z
 * </pre>
 *
 * <p>See {@link ScheduleFreeOptimizer} for evaluation at {@code x} ({@link #eval()}, {@link #train()}) and batch
 * norm. The authors suggest learning rates 10 to 50 times the usual SGD ones, with warm-up; see
 * docs/OPTIMIZERS.md.
 */
public final class ScheduleFreeSgd extends ScheduleFreeOptimizer {

  private static final int LR = 0;
  private static final int DECAY = 1;

  private final Engines.Scalars scalars = new Engines.Scalars(2);

  private ScheduleFreeSgd(Builder builder) {
    super(builder, builder.momentum);
  }

  /** A builder: {@code ScheduleFreeSgd.builder().schedule("warmup(steps=500, then=constant(lr=1))").build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The momentum {@code β}: the interpolation weight of {@code x} in {@code y}. */
  public double momentum() {
    return interpolation();
  }

  @Override
  String kind() {
    return "sf-sgd";
  }

  @Override
  int slotCount() {
    return 2;
  }

  @Override
  void stepZ(NDArray[] slots, long count, NDArray y, NDArray grad, float lr) {
    NDArray lrScalar = scalars.get(LR, lr, y);
    NDArray d;
    float wd = weightDecay();
    if (wd != 0) {
      d = y.mul(scalars.get(DECAY, wd, y));
      d.addi(grad);
      d.muli(lrScalar);
    } else {
      d = grad.mul(lrScalar);
    }
    try {
      slots[Z].subi(d);
    } finally {
      d.close();
    }
  }

  @Override
  double rate(float lr, long update) {
    return lr;
  }

  /** Builds a {@link ScheduleFreeSgd}; defaults as the authors': momentum 0.9, no weight decay. */
  public static final class Builder extends ScheduleFreeOptimizer.Builder<Builder> {
    private double momentum = 0.9;

    Builder() {}

    /**
     * The momentum {@code β} in [0, 1) (default 0.9; the authors suggest 0.95 or 0.98 for very long runs): {@code y
     * = β·x + (1 - β)·z}. At 0 the gradient is taken at {@code z} and {@code x} is its plain weighted average.
     */
    public Builder momentum(double momentum) {
      this.momentum = Checks.momentum("momentum", momentum);
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Builds the optimizer.
     *
     * @throws IllegalStateException if no schedule was set
     * @throws IllegalArgumentException if the schedule cycles momentum, or weight decay, clipping or rescaling is
     *     out of range
     */
    public ScheduleFreeSgd build() {
      return new ScheduleFreeSgd(this);
    }
  }
}
