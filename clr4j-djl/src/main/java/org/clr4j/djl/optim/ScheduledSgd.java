package org.clr4j.djl.optim;

import ai.djl.ndarray.NDArray;
import org.clr4j.Checks;

/**
 * SGD with PyTorch's formulation, learning rate and momentum following the schedule at every step. With
 * {@code g} the (rescaled, clipped) gradient, {@code wd} the weight decay, {@code lr} and {@code m} the step's
 * learning rate and momentum:
 *
 * <pre>
 *   g   = g + wd·w                  (L2 weight decay, as torch.optim.SGD)
 *   buf = m·buf + g                 (buf starts at 0, so the first step's buf is g, as in PyTorch)
 *   d   = nesterov ? g + m·buf : buf
 *   w  -= lr·d
 * </pre>
 *
 * <p>The learning rate multiplies the velocity at each step, rather than being folded into it as DJL's own
 * {@code Sgd} does ({@code v = m·v + lr·g; w -= v}), so changing lr between steps does not rescale past
 * gradients; see docs/OPTIMIZERS.md. Without momentum ({@code momentum 0}) it is {@code w -= lr·(g + wd·w)}.
 */
public final class ScheduledSgd extends ScheduledOptimizer {

  private static final int LR = 0;
  private static final int MOMENTUM = 1;
  private static final int DECAY = 2;

  private final double configuredMomentum;
  private final boolean nesterov;
  private final boolean hasBuffer;
  private final Engines.Scalars scalars = new Engines.Scalars(3);

  private ScheduledSgd(Builder builder) {
    super(builder, builder.momentum);
    this.configuredMomentum = builder.momentum;
    this.nesterov = builder.nesterov;
    if (schedule().hasMomentum() && configuredMomentum == 0) {
      throw new IllegalArgumentException(
          "schedule " + schedule() + " cycles momentum, but sgd has no momentum (momentum=0); set momentum(...)"
              + " to a value in (0, 1) (used wherever the schedule sets none), or use a schedule without"
              + " momentum (e.g. onecycle(..., momentum=none))");
    }
    if (nesterov && configuredMomentum == 0) {
      throw new IllegalArgumentException(
          "nesterov (true) needs momentum > 0, but momentum is 0; set momentum(...) as well");
    }
    this.hasBuffer = configuredMomentum > 0;
  }

  /** A builder: {@code ScheduledSgd.builder().schedule(s).momentum(0.9).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The momentum used wherever the schedule sets none (0: plain SGD). */
  public double momentum() {
    return configuredMomentum;
  }

  /** Whether the update uses Nesterov momentum. */
  public boolean nesterov() {
    return nesterov;
  }

  @Override
  String kind() {
    return "sgd";
  }

  @Override
  int slotCount() {
    return hasBuffer ? 1 : 0;
  }

  @Override
  void apply(NDArray[] slots, long count, NDArray weight, NDArray grad, float lr, double momentum) {
    NDArray d = grad;
    boolean owned = false; // whether d is a temporary of ours, to close and free to modify
    try {
      float wd = weightDecay();
      if (wd != 0) {
        d = weight.mul(scalars.get(DECAY, wd, weight));
        d.addi(grad);
        owned = true;
      }
      if (hasBuffer) {
        NDArray m = scalars.get(MOMENTUM, (float) momentum, weight);
        NDArray buf = slots[0];
        buf.muli(m).addi(d);
        if (nesterov) {
          NDArray n = buf.mul(m);
          n.addi(d);
          if (owned) {
            d.close();
          }
          d = n;
          owned = true;
        } else {
          if (owned) {
            d.close();
          }
          d = buf;
          owned = false;
        }
      }
      NDArray lrScalar = scalars.get(LR, lr, weight);
      if (owned) {
        weight.subi(d.muli(lrScalar));
      } else {
        try (NDArray step = d.mul(lrScalar)) {
          weight.subi(step);
        }
      }
    } finally {
      if (owned) {
        d.close();
      }
    }
  }

  /** Builds a {@link ScheduledSgd}. */
  public static final class Builder extends ScheduledOptimizer.Builder<Builder> {
    private double momentum;
    private boolean nesterov;

    Builder() {}

    /**
     * The momentum, in [0, 1) (default 0: none). Where the schedule cycles momentum, its value replaces this one
     * at each step; this one is then used only at steps where the schedule sets none, and must be {@code > 0}.
     */
    public Builder momentum(double momentum) {
      this.momentum = Checks.momentum("momentum", momentum);
      return this;
    }

    /** Nesterov momentum (default false); needs momentum. */
    public Builder nesterov(boolean nesterov) {
      this.nesterov = nesterov;
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
     * @throws IllegalArgumentException if the schedule cycles momentum but momentum is 0, or nesterov is asked
     *     without momentum, or weight decay, clipping or rescaling is out of range
     */
    public ScheduledSgd build() {
      return new ScheduledSgd(this);
    }
  }
}
