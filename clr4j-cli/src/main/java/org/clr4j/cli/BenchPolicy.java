package org.clr4j.cli;

import org.clr4j.djl.optim.OptimizerKind;

/**
 * The bench's learning-rate policies. The text is what results.jsonl, bench.csv and the configuration ids hold, so
 * results of earlier benches keep loading and resuming; the label is the table's.
 */
enum BenchPolicy {
  FIXED("fixed", "fixed"),
  /** lr × {@link BenchPlan#STEP_GAMMA} after each third of the budget, from the best fixed rate. */
  STEP("step", "step decay"),
  TRIANGULAR2("triangular2", "triangular2"),
  EXP_RANGE("exp_range", "exp_range"),
  /** Triangular whose both bounds decay to {@link BenchPlan#DECAY_TO} of their start over the budget. */
  TRIANGULAR_DECAY("triangular_decay", "triangular + decay"),
  ONECYCLE("onecycle", "1cycle"),
  /**
   * Schedule-Free SGD (Defazio et al. 2024) at a constant rate after a linear warm-up over the first
   * {@link BenchPlan#SF_WARMUP} of the steps; a grid of rates like the fixed rate's.
   */
  SCHEDULE_FREE("schedule_free", "Schedule-Free SGD"),
  /** Not a training policy: the range test's result is stored with this policy. */
  RANGE_TEST("range_test", "range_test"),
  /** Not a training policy: the weight-decay search's result is stored with this policy. */
  WEIGHT_DECAY_SEARCH("weight_decay_search", "weight-decay search");

  private final String text;
  private final String label;

  BenchPolicy(String text, String label) {
    this.text = text;
    this.label = label;
  }

  String text() {
    return text;
  }

  String label() {
    return label;
  }

  /** The optimizer this policy trains with: Schedule-Free SGD for {@link #SCHEDULE_FREE}, else SGD. */
  OptimizerKind optimizer() {
    return this == SCHEDULE_FREE ? OptimizerKind.SF_SGD : OptimizerKind.SGD;
  }

  static BenchPolicy ofText(String text) {
    return BenchStore.ofText(values(), BenchPolicy::text, "policy", text);
  }
}
