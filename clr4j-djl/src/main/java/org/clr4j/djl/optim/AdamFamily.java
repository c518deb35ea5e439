package org.clr4j.djl.optim;

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

  private final double beta2;
  private final double epsilon;
  private final boolean decoupled;

  AdamFamily(ScheduledOptimizer.Builder<?> builder, double beta1, double beta2, double epsilon, boolean decoupled) {
    super(builder, beta1);
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.decoupled = decoupled;
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
