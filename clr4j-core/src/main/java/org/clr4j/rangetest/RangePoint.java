package org.clr4j.rangetest;

/**
 * One step of a range test.
 *
 * @param index        the step, 0-based; equal to the point's position in {@link RangeTestResult#points()}
 * @param lr           the learning rate used for this step
 * @param loss         the mini-batch training loss the step returned (may be NaN or infinite on the last point)
 * @param smoothedLoss the bias-corrected exponential moving average of the losses so far; NaN where the loss is not
 *                     finite
 * @param evalLoss     the held-out loss evaluated after this step; NaN where not evaluated
 * @param accuracy     the held-out accuracy evaluated after this step; NaN where not evaluated
 */
public record RangePoint(int index, double lr, double loss, double smoothedLoss, double evalLoss, double accuracy) {

  /** Whether a held-out accuracy was measured at this step. */
  public boolean hasAccuracy() {
    return Double.isFinite(accuracy);
  }
}
