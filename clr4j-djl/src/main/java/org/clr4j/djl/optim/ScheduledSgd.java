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
  private final boolean fused;
  private final Engines.Scalars scalars = new Engines.Scalars(3);

  // FUSED: each parameter's buffer holds v = scale·buf, scale being the learning rate of the update that wrote it
  // (1 after an update at rate 0, which must keep buf). All parameters are updated at every step, so one scale per
  // update count serves them all: `scale` for update `scaleCount`, `previousScale` for the one before.
  private long scaleCount;
  private float scale = 1f;
  private float previousScale = 1f;

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
    this.fused = builder.updatePath == UpdatePath.FUSED && hasBuffer;
    if (builder.updatePath == UpdatePath.FUSED && nesterov) {
      throw new IllegalArgumentException(
          "update path (FUSED) does not support nesterov (true): DJL's fused SGD kernel has no Nesterov term; use"
              + " UpdatePath.REFERENCE");
    }
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

  /** How the update is computed; {@link UpdatePath#FUSED} only with momentum (without, both are the same). */
  public UpdatePath updatePath() {
    return fused ? UpdatePath.FUSED : UpdatePath.REFERENCE;
  }

  @Override
  String kind() {
    return fused ? "sgd-fused" : "sgd"; // their buffers differ (v = lr·buf against buf): a state fits one only
  }

  /** A copy of all state, as {@link ScheduledOptimizer#snapshot()}; on the fused path with its buffers' scale. */
  @Override
  public OptimizerState snapshot() {
    OptimizerState s = super.snapshot();
    return fused ? s.withScalars(new double[] {scale}) : s;
  }

  /** Makes the state equal to {@code state}, as {@link ScheduledOptimizer#restore}; see {@link #snapshot()}. */
  @Override
  public void restore(OptimizerState state) {
    double[] numbers = state.scalars();
    if (fused && state.kind().equals(kind())
        && (numbers.length != 1 || !(numbers[0] > 0) || numbers[0] == Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("state optimizer numbers (" + java.util.Arrays.toString(numbers)
          + ") must be one finite scale > 0, as a " + kind() + " snapshot holds");
    }
    super.restore(state); // checks the kind and the buffers before changing anything
    if (fused) {
      scale = (float) numbers[0];
      scaleCount = state.updates();
    }
  }

  @Override
  int slotCount() {
    return hasBuffer ? 1 : 0;
  }

  @Override
  void apply(NDArray[] slots, long count, NDArray weight, NDArray grad, float lr, double momentum) {
    if (fused) {
      applyFused(slots[0], count, weight, grad, lr, (float) momentum);
      return;
    }
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

  /**
   * DJL's fused kernel computes {@code v = m'·v + lr·(g + wd·w); w -= v} in one call. With {@code v = s·buf}
   * ({@code s} the previous update's rate) and {@code m' = m·lr/s} that is {@code v = lr·(m·buf + g + wd·w) =
   * lr·buf_new} and {@code w -= lr·buf_new}: PyTorch's step. Two cases the kernel cannot take: rate 0 (v would lose
   * buf: buf is kept with scale 1 and the weight left alone) and {@code m' = 0} (the kernel then skips v: v is
   * zeroed first and the kernel called with {@code m' = 1}).
   */
  private void applyFused(NDArray v, long count, NDArray weight, NDArray grad, float lr, float momentum) {
    if (count == scaleCount + 1) {
      previousScale = scale;
      scale = lr > 0 ? lr : 1f;
      scaleCount = count;
    } else if (count != scaleCount && count != 1) {
      throw new IllegalStateException("update " + count + " of a parameter follows update " + scaleCount
          + " of the others: the fused SGD path needs every parameter updated at every step; use"
          + " UpdatePath.REFERENCE");
    }
    float s = count == 1 ? 1f : previousScale; // a first update's v is 0: any scale will do
    float wd = weightDecay();
    if (lr == 0) {
      v.muli(scalars.get(MOMENTUM, (float) ((double) momentum / s), weight));
      try (NDArray d = weight.mul(scalars.get(DECAY, wd, weight))) {
        d.addi(grad);
        v.addi(d);
      }
      return;
    }
    float m = (float) ((double) momentum * lr / s);
    if (m == 0) {
      v.muli(scalars.get(MOMENTUM, 0f, weight));
      m = 1f;
    }
    Engines.fusedSgd(weight, grad, v, lr, wd, m);
  }

  /** Builds a {@link ScheduledSgd}. */
  public static final class Builder extends ScheduledOptimizer.Builder<Builder> {
    private double momentum;
    private boolean nesterov;
    private UpdatePath updatePath = UpdatePath.REFERENCE;

    Builder() {}

    /** How the update is computed (default {@link UpdatePath#REFERENCE}); FUSED does not take nesterov. */
    public Builder optUpdatePath(UpdatePath updatePath) {
      this.updatePath = java.util.Objects.requireNonNull(updatePath, "updatePath");
      return this;
    }

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
