package org.clr4j.djl.optim;

import org.clr4j.Checks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Adam and AdamW as PyTorch computes them, with beta1 taken from the schedule where it cycles momentum. One step,
 * with {@code t} the parameter's update count and {@code b1} the step's beta1:
 *
 * <pre>
 *   g  = g + wd·w                    (Adam: L2 decay)      w = w - lr·wd·w   (AdamW: decoupled decay)
 *   m  = b1·m + (1 - b1)·g
 *   v  = b2·v + (1 - b2)·g²
 *   w -= lr / (1 - b1^t) · m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * <p>The step runs as DJL's fused engine op ({@code NDArrayEx.adamUpdate}), which takes scalars as plain floats,
 * with its two scalars chosen so that it computes exactly the expression above: DJL's op computes {@code w -=
 * lr' · m / (sqrt(v) + eps')}, so {@code lr' = lr·sqrt(1 - b2^t) / (1 - b1^t)} and {@code eps' =
 * eps·sqrt(1 - b2^t)} (DJL's own Adam passes {@code eps' = eps}, the Adam paper's "epsilon hat" variant). Like
 * PyTorch, the bias correction uses the current beta1 even when beta1 cycles.
 */
abstract class AdamFamily extends ScheduledOptimizer {

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean decoupled;

  AdamFamily(Builder<?> builder, boolean decoupled) {
    super(builder, builder.beta1);
    this.beta1 = builder.beta1;
    this.beta2 = builder.beta2;
    this.epsilon = builder.epsilon;
    this.decoupled = decoupled;
  }

  /** The beta1 used wherever the schedule sets no momentum. */
  public double beta1() {
    return beta1;
  }

  /** What Adam and AdamW's builders share: beta1, beta2 and epsilon, with PyTorch's defaults. */
  public abstract static class Builder<T extends Builder<T>> extends ScheduledOptimizer.Builder<T> {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;

    Builder() {}

    /** beta1 in [0, 1), used wherever the schedule sets no momentum (default 0.9). */
    public T beta1(double beta1) {
      this.beta1 = Checks.momentum("beta1", beta1);
      return self();
    }

    /** beta2 in [0, 1) (default 0.999). */
    public T beta2(double beta2) {
      this.beta2 = Checks.momentum("beta2", beta2);
      return self();
    }

    /** epsilon, finite and > 0 (default 1e-8). */
    public T epsilon(double epsilon) {
      this.epsilon = Checks.positive("epsilon", epsilon);
      return self();
    }
  }

  @Override
  final int slotCount() {
    return 2;
  }

  @Override
  final void apply(NDArray[] slots, long count, NDArray weight, NDArray grad, float lr, double beta1) {
    double correction1 = 1 - Math.pow(beta1, count);
    double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, count));
    float lrCorrected = (float) (lr * sqrtCorrection2 / correction1);
    float epsCorrected = (float) (epsilon * sqrtCorrection2);
    weight.getNDArrayInternal()
        .adamUpdate(
            new NDList(weight, grad, slots[0], slots[1]),
            new NDList(weight),
            lr,
            lrCorrected,
            weightDecay(),
            1f, // rescaling and clipping are done already (DJL's clip is one-sided: clamp_max only)
            -1f,
            (float) beta1,
            (float) beta2,
            epsCorrected,
            true,
            decoupled);
  }

  /** Adam's beta2. */
  public double beta2() {
    return beta2;
  }

  /** Adam's epsilon. */
  public double epsilon() {
    return epsilon;
  }
}
