package org.clr4j.djl.train;

import java.util.List;
import org.clr4j.Checks;
import org.clr4j.djl.optim.ScheduledAdam;
import org.clr4j.djl.optim.ScheduledAdamW;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.djl.optim.ScheduledSgd;
import org.clr4j.schedule.Schedule;

/**
 * Which optimizer trains, and its settings other than the schedule. {@code momentum} is used wherever the schedule
 * sets none (SGD's momentum, Adam's beta1); {@code clipGrad <= 0} means no clipping.
 */
public record OptimizerConfig(String kind, double momentum, double weightDecay, double clipGrad) {
  /** The kinds accepted by {@link #kind()}. */
  public static final List<String> KINDS = List.of("sgd", "nesterov", "adam", "adamw");

  public OptimizerConfig {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("optimizer (" + kind + ") must be one of " + String.join(", ", KINDS));
    }
    Checks.momentum("momentum", momentum);
    Checks.nonNegative("weightDecay", weightDecay);
    if (Double.isNaN(clipGrad)) {
      throw new IllegalArgumentException("clipGrad (NaN) must be a number (<= 0 for no clipping)");
    }
  }

  /**
   * The defaults of the reference runs: SGD with momentum 0.9 and weight decay 5e-4 (as the 1cycle papers); Adam
   * and AdamW with beta1 0.9 and PyTorch's default weight decay (0 and 0.01).
   */
  public static OptimizerConfig defaults(String kind) {
    switch (kind) {
      case "adam":
        return new OptimizerConfig(kind, 0.9, 0, 0);
      case "adamw":
        return new OptimizerConfig(kind, 0.9, 0.01, 0);
      default:
        return new OptimizerConfig(kind, 0.9, 5e-4, 0);
    }
  }

  /** The optimizer following {@code schedule}, starting at schedule step {@code stepOffset}. */
  public ScheduledOptimizer create(Schedule schedule, long stepOffset) {
    float clip = clipGrad > 0 ? (float) clipGrad : -1f;
    switch (kind) {
      case "adam":
        return ScheduledAdam.builder().schedule(schedule).optStepOffset(stepOffset).beta1(momentum)
            .optWeightDecays((float) weightDecay).optClipGrad(clip).build();
      case "adamw":
        return ScheduledAdamW.builder().schedule(schedule).optStepOffset(stepOffset).beta1(momentum)
            .optWeightDecays((float) weightDecay).optClipGrad(clip).build();
      default:
        return ScheduledSgd.builder().schedule(schedule).optStepOffset(stepOffset).momentum(momentum)
            .nesterov("nesterov".equals(kind)).optWeightDecays((float) weightDecay).optClipGrad(clip).build();
    }
  }

  @Override
  public String toString() {
    return kind + "(momentum=" + Checks.format(momentum) + ", weight_decay=" + Checks.format(weightDecay)
        + (clipGrad > 0 ? ", clip=" + Checks.format(clipGrad) : "") + ")";
  }
}
