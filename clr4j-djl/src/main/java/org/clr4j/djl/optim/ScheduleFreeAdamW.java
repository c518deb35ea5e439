package org.clr4j.djl.optim;

import ai.djl.ndarray.NDArray;
import org.clr4j.Checks;

/**
 * Schedule-Free AdamW (Defazio et al., arXiv 2405.15682, Algorithm 1; the authors' {@code
 * AdamWScheduleFreeReference}). With {@code g} the gradient at the weights {@code y} (rescaled and clipped),
 * {@code lr_t} the schedule's rate, {@code t} the parameter's update count, {@code wd} the weight decay
 * ({@code optWeightDecays}, decoupled and taken at {@code y}) and {@code b1} the interpolation weight:
 *
 * <pre>
 *   v   = b2·v + (1 - b2)·g²
 *   γ_t = lr_t·sqrt(1 - b2^t)                 the bias correction of v folded into the rate, as in the paper
 *   z   = z - γ_t·wd·y - γ_t·g / (sqrt(v) + eps)
 *   c   = γ_t² / Σ_{i≤t} γ_i²
 *   x   = (1 - c)·x + c·z
 *   y   = b1·x + (1 - b1)·z
 * </pre>
 *
 * <p>{@code γ_t·g/(sqrt(v) + eps)} is {@code lr_t·g/(sqrt(v̂) + eps/sqrt(1 - b2^t))} with {@code v̂ = v/(1 - b2^t)}
 * the bias-corrected second moment: the usual Adam step up to where eps sits. There is no first moment: {@code b1}
 * interpolates instead. See {@link ScheduleFreeOptimizer} for evaluation at {@code x} and batch norm. The authors
 * suggest learning rates 1 to 10 times those of a scheduled AdamW, with warm-up; see docs/OPTIMIZERS.md.
 */
public final class ScheduleFreeAdamW extends ScheduleFreeOptimizer {

  static final int V = 2;

  private static final int GAMMA = 0;
  private static final int GAMMA_DECAY = 1;
  private static final int BETA2 = 2;
  private static final int ONE_MINUS_BETA2 = 3;
  private static final int EPS = 4;

  private final double beta2;
  private final double epsilon;
  private final Engines.Scalars scalars = new Engines.Scalars(5);

  private ScheduleFreeAdamW(Builder builder) {
    super(builder, builder.beta1);
    this.beta2 = builder.beta2;
    this.epsilon = builder.epsilon;
  }

  /** A builder: {@code ScheduleFreeAdamW.builder().schedule("warmup(steps=500, then=constant(lr=0.0025))")}. */
  public static Builder builder() {
    return new Builder();
  }

  /** beta1: the interpolation weight of {@code x} in {@code y}. */
  public double beta1() {
    return interpolation();
  }

  /** beta2, the decay of the second moment. */
  public double beta2() {
    return beta2;
  }

  /** epsilon, added to {@code sqrt(v)}. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  String kind() {
    return "sf-adamw";
  }

  @Override
  int slotCount() {
    return 3;
  }

  @Override
  void stepZ(NDArray[] slots, long count, NDArray y, NDArray grad, float lr) {
    NDArray z = slots[Z];
    NDArray v = slots[V];
    double gamma = lr * Math.sqrt(1 - Math.pow(beta2, count));
    float wd = weightDecay();
    if (wd != 0) {
      try (NDArray decay = y.mul(scalars.get(GAMMA_DECAY, (float) (gamma * wd), y))) {
        z.subi(decay);
      }
    }
    v.muli(scalars.get(BETA2, (float) beta2, v));
    try (NDArray g2 = grad.mul(grad)) {
      g2.muli(scalars.get(ONE_MINUS_BETA2, (float) (1 - beta2), v));
      v.addi(g2);
    }
    try (NDArray denom = v.sqrt()) {
      denom.addi(scalars.get(EPS, (float) epsilon, v));
      try (NDArray step = grad.div(denom)) {
        step.muli(scalars.get(GAMMA, (float) gamma, v));
        z.subi(step);
      }
    }
  }

  @Override
  double rate(float lr, long update) {
    return lr * Math.sqrt(1 - Math.pow(beta2, update));
  }

  /** Builds a {@link ScheduleFreeAdamW}; defaults as the authors': beta1 0.9, beta2 0.999, eps 1e-8, no decay. */
  public static final class Builder extends ScheduleFreeOptimizer.Builder<Builder> {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;

    Builder() {}

    /** beta1 in [0, 1), the interpolation weight (default 0.9; the authors suggest 0.95 or 0.98 for long runs). */
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

    /**
     * Builds the optimizer.
     *
     * @throws IllegalStateException if no schedule was set
     * @throws IllegalArgumentException if the schedule cycles momentum, or weight decay, clipping or rescaling is
     *     out of range
     */
    public ScheduleFreeAdamW build() {
      return new ScheduleFreeAdamW(this);
    }
  }
}
