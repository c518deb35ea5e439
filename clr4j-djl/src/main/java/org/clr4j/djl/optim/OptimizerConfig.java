package org.clr4j.djl.optim;

import org.clr4j.Checks;
import org.clr4j.schedule.Schedule;

/**
 * Which optimizer trains, and its settings other than the schedule. {@code momentum} is used wherever the schedule
 * sets none (SGD's momentum, Adam's beta1); {@code clipGrad <= 0} means no clipping; {@code updatePath} is how SGD
 * computes its update (Adam and AdamW always run DJL's fused kernel; Nesterov always the reference path).
 */
public record OptimizerConfig(OptimizerKind kind, double momentum, double weightDecay, double clipGrad,
    UpdatePath updatePath) {

  public OptimizerConfig {
    Checks.notNull("kind", kind);
    Checks.notNull("updatePath", updatePath);
    Checks.momentum("momentum", momentum);
    Checks.nonNegative("weightDecay", weightDecay);
    if (Double.isNaN(clipGrad)) {
      throw new IllegalArgumentException("clipGrad (NaN) must be a number (<= 0 for no clipping)");
    }
  }

  /** With the reference update path. */
  public OptimizerConfig(OptimizerKind kind, double momentum, double weightDecay, double clipGrad) {
    this(kind, momentum, weightDecay, clipGrad, UpdatePath.REFERENCE);
  }

  /** The same settings with {@code updatePath} (for SGD without Nesterov; the others ignore it). */
  public OptimizerConfig withUpdatePath(UpdatePath updatePath) {
    return new OptimizerConfig(kind, momentum, weightDecay, clipGrad, updatePath);
  }

  /** The same settings with {@code weightDecay}. */
  public OptimizerConfig withWeightDecay(double weightDecay) {
    return new OptimizerConfig(kind, momentum, weightDecay, clipGrad, updatePath);
  }

  /** The update path the optimizer will use: {@code updatePath} for SGD, {@link UpdatePath#REFERENCE} otherwise. */
  public UpdatePath effectiveUpdatePath() {
    return kind == OptimizerKind.SGD && momentum > 0 ? updatePath : UpdatePath.REFERENCE;
  }

  /**
   * The defaults of the reference runs: SGD with momentum 0.9 and weight decay 5e-4 (as the 1cycle papers), on the
   * fused update path; Adam and AdamW with beta1 0.9 and PyTorch's default weight decay (0 and 0.01); Schedule-Free
   * SGD with interpolation 0.9 and weight decay 5e-4, Schedule-Free AdamW with beta1 0.9 and weight decay 0.01.
   */
  public static OptimizerConfig defaults(OptimizerKind kind) {
    switch (kind) {
      case ADAM:
        return new OptimizerConfig(kind, 0.9, 0, 0);
      case ADAMW:
      case SF_ADAMW:
        return new OptimizerConfig(kind, 0.9, 0.01, 0);
      case SF_SGD:
        return new OptimizerConfig(kind, 0.9, 5e-4, 0);
      default:
        return new OptimizerConfig(kind, 0.9, 5e-4, 0, UpdatePath.FUSED);
    }
  }

  /** PyTorch-style SGD with momentum {@code momentum} and no weight decay or clipping, on the fused update path. */
  public static OptimizerConfig sgd(double momentum) {
    return new OptimizerConfig(OptimizerKind.SGD, momentum, 0, 0, UpdatePath.FUSED);
  }

  /** The optimizer following {@code schedule}, starting at schedule step {@code stepOffset}. */
  public ScheduledOptimizer create(Schedule schedule, long stepOffset) {
    float clip = clipGrad > 0 ? (float) clipGrad : -1f;
    switch (kind) {
      case ADAM:
        return ScheduledAdam.builder().schedule(schedule).optStepOffset(stepOffset).beta1(momentum)
            .optWeightDecays((float) weightDecay).optClipGrad(clip).build();
      case ADAMW:
        return ScheduledAdamW.builder().schedule(schedule).optStepOffset(stepOffset).beta1(momentum)
            .optWeightDecays((float) weightDecay).optClipGrad(clip).build();
      case SF_SGD:
        return ScheduleFreeSgd.builder().schedule(schedule).optStepOffset(stepOffset).momentum(momentum)
            .optWeightDecays((float) weightDecay).optClipGrad(clip).build();
      case SF_ADAMW:
        return ScheduleFreeAdamW.builder().schedule(schedule).optStepOffset(stepOffset).beta1(momentum)
            .optWeightDecays((float) weightDecay).optClipGrad(clip).build();
      default:
        return ScheduledSgd.builder().schedule(schedule).optStepOffset(stepOffset).momentum(momentum)
            .nesterov(kind == OptimizerKind.NESTEROV).optWeightDecays((float) weightDecay).optClipGrad(clip)
            .optUpdatePath(effectiveUpdatePath()).build();
    }
  }

  @Override
  public String toString() {
    return kind.specName() + "(momentum=" + Checks.format(momentum) + ", weight_decay=" + Checks.format(weightDecay)
        + (clipGrad > 0 ? ", clip=" + Checks.format(clipGrad) : "")
        + (effectiveUpdatePath() == UpdatePath.FUSED ? ", update=fused" : "") + ")";
  }
}
