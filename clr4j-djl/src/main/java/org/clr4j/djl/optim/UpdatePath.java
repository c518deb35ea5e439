package org.clr4j.djl.optim;

/** How {@link ScheduledSgd} computes its update; both follow PyTorch's equations (docs/OPTIMIZERS.md). */
public enum UpdatePath {
  /**
   * PyTorch's operations in PyTorch's order, one engine call each (7 per parameter with momentum and weight
   * decay): the same bits on every run and in every clr4j version, what the golden tests pin down.
   */
  REFERENCE,
  /**
   * One engine call per parameter: DJL's fused SGD kernel on a velocity {@code v = lr·buf}, called with momentum
   * {@code m·lr/lr_prev} so that it computes PyTorch's update; equal to {@link #REFERENCE} in real arithmetic, apart
   * by float32 rounding. Not for Nesterov momentum, which the kernel lacks.
   */
  FUSED
}
