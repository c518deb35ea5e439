package org.clr4j.djl.optim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The optimizers whose learning rate and momentum (Adam: beta1) follow a schedule. */
public enum OptimizerKind {
  /** {@link ScheduledSgd}: PyTorch's SGD with momentum. */
  SGD,
  /** {@link ScheduledSgd} with Nesterov momentum. */
  NESTEROV,
  /** {@link ScheduledAdam}. */
  ADAM,
  /** {@link ScheduledAdamW}: Adam with decoupled weight decay. */
  ADAMW,
  /** {@link ScheduleFreeSgd}: Schedule-Free SGD (Defazio et al. 2024); evaluate at x (the loop does). */
  SF_SGD,
  /** {@link ScheduleFreeAdamW}: Schedule-Free AdamW; evaluate at x (the loop does). */
  SF_ADAMW;

  /** The lower-case name used in specs and on the command line, e.g. {@code adamw}, {@code sf-sgd}. */
  public String specName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether this is a Schedule-Free optimizer, whose weights must be switched to x for evaluation. */
  public boolean scheduleFree() {
    return this == SF_SGD || this == SF_ADAMW;
  }

  /** The kind named {@code name}, e.g. {@code sgd} (as written by {@link #specName()}). */
  public static OptimizerKind fromName(String name) {
    for (OptimizerKind k : values()) {
      if (k.specName().equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("optimizer (" + name + ") must be one of " + names());
  }

  /** The names of all kinds, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(OptimizerKind::specName).collect(Collectors.joining(", "));
  }
}
