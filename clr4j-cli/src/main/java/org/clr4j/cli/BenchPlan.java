package org.clr4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clr4j.Checks;
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.Schedule;

/**
 * Which configurations a bench trains, from its resolved options; pure, so that it can be checked without training.
 * Per model: the fixed-rate grid on the first seed, the best rate on the other seeds, every {@link #POLICIES policy}
 * and every shorter 1cycle budget on every seed, PyTorch's 1cycle on every seed when it runs beside clr4j, and when
 * asked Schedule-Free SGD at the budget: a grid of rates on the first seed, its best rate on the other seeds.
 *
 * @param budget epochs of the scheduled policies, per model
 * @param shorter the shorter 1cycle budgets per model, ascending, each below that model's budget
 * @param pytorch whether PyTorch trains the 1cycle configuration too
 * @param scheduleFreeLrs Schedule-Free SGD's grid of rates; empty for no Schedule-Free runs
 */
record BenchPlan(List<String> models, List<Double> lrs, int fixedEpochs, Map<String, Integer> budget,
    Map<String, List<Integer>> shorter, List<Long> seeds, int batchSize, int stepsPerEpoch, boolean pytorch,
    List<Double> scheduleFreeLrs) {

  /** Schedule-Free's warm-up: this fraction of the steps, as in the authors' experiments (about 5 %). */
  static final double SF_WARMUP = 0.05;
  /** Schedule-Free's default grid: the authors recommend 10-50× a classical SGD rate (here about 0.03-0.1). */
  static final List<Double> SF_LRS = List.of(0.5, 1.0, 2.0);

  /** The policies compared with the best fixed rate, in table order. */
  static final List<BenchPolicy> POLICIES = List.of(BenchPolicy.STEP, BenchPolicy.TRIANGULAR2, BenchPolicy.EXP_RANGE,
      BenchPolicy.TRIANGULAR_DECAY, BenchPolicy.ONECYCLE);
  /** Step decay: lr × 0.1 after each third of the budget. */
  static final double STEP_GAMMA = 0.1;
  /** Triangular with decaying bounds: both bounds fall to this fraction of their start over the budget. */
  static final double DECAY_TO = 0.1;
  /** Guesses of seconds per training step (batch 128, 2 cores, evaluation included) until one is measured. */
  static final Map<String, Double> PRIOR_SECONDS_PER_STEP = Map.of("mlp", 0.009, "cnn", 0.09);

  /** One table row of a scheduled policy, trained with every seed. */
  record PolicyRun(String label, BenchPolicy policy, Schedule schedule, int epochs) {}

  /** The one-line description the bench prints before it starts. */
  String description() {
    return "fixed-rate grid " + formatList(lrs) + " × " + fixedEpochs + " epochs (seed " + seeds.get(0)
        + "), then the best rate and " + String.join(", ", POLICIES.stream().map(BenchPolicy::text).toList())
        + " × seeds " + seeds + ", budget " + budget + " epochs, shorter 1cycle budgets " + shorter
        + (pytorch ? "; PyTorch 1cycle beside clr4j's" : "")
        + (scheduleFreeLrs.isEmpty() ? "" : "; Schedule-Free SGD at " + formatList(scheduleFreeLrs) + " (seed "
            + seeds.get(0) + "), its best on the other seeds");
  }

  /** Schedule-Free runs planned per model: the grid on the first seed, the best rate on the others. */
  int scheduleFreeRuns() {
    return scheduleFreeLrs.isEmpty() ? 0 : scheduleFreeLrs.size() + seeds.size() - 1;
  }

  /** Schedule-Free SGD at {@code lr} for {@code total} steps: linear warm-up, then constant. */
  static Schedule scheduleFree(double lr, long total) {
    long warmup = Math.max(1, Math.round(SF_WARMUP * total));
    return Schedule.parse("warmup(steps=" + warmup + ", then=constant(lr=" + Checks.format(lr) + "))");
  }

  /** Training configurations planned for {@code model} (range test excluded). */
  int configurations(String model) {
    return lrs.size() + seeds.size() - 1 + POLICIES.size() * seeds.size() + shorter.get(model).size() * seeds.size()
        + (pytorch ? seeds.size() : 0) + scheduleFreeRuns();
  }

  /** Training configurations planned for all models. */
  int configurations() {
    return models.stream().mapToInt(this::configurations).sum();
  }

  /** Training steps planned for {@code model}, PyTorch's included. */
  long plannedSteps(String model) {
    int e = budget.get(model);
    long shorterEpochs = shorter.get(model).stream().mapToLong(Integer::longValue).sum();
    long epochs = (long) lrs.size() * fixedEpochs + (long) (seeds.size() - 1) * fixedEpochs
        + (long) POLICIES.size() * seeds.size() * e + shorterEpochs * seeds.size() + (pytorch ? (long) seeds.size() * e
        : 0) + (long) scheduleFreeRuns() * e;
    return epochs * stepsPerEpoch;
  }

  /** {@link #plannedSteps(String)} of every model, in model order. */
  Map<String, Long> plannedSteps() {
    Map<String, Long> planned = new LinkedHashMap<>();
    for (String model : models) {
      planned.put(model, plannedSteps(model));
    }
    return planned;
  }

  /** Per model, the seconds per step guessed until one is measured, for this batch size and thread count. */
  Map<String, Double> priorSecondsPerStep(int threads) {
    Map<String, Double> prior = new LinkedHashMap<>();
    for (String model : models) {
      // The priors are for 2 cores; more threads help the cnn most.
      prior.put(model, PRIOR_SECONDS_PER_STEP.get(model) * batchSize / 128.0 * Math.min(1.0, 2.0 / threads));
    }
    return prior;
  }

  /**
   * The scheduled rows of {@code model}'s table after its grid, in table order: every {@link #POLICIES policy} at
   * the model's budget, then 1cycle at each shorter budget.
   */
  List<PolicyRun> policyRuns(String model, Bounds bounds, double bestLr) {
    int e = budget.get(model);
    List<PolicyRun> runs = new ArrayList<>();
    for (BenchPolicy policy : POLICIES) {
      runs.add(new PolicyRun(policy.label(), policy,
          schedule(policy, bounds, bestLr, stepsPerEpoch, (long) stepsPerEpoch * e), e));
    }
    for (int shortBudget : shorter.get(model)) {
      runs.add(new PolicyRun(shorterLabel(shortBudget), BenchPolicy.ONECYCLE,
          schedule(BenchPolicy.ONECYCLE, bounds, bestLr, stepsPerEpoch, (long) stepsPerEpoch * shortBudget),
          shortBudget));
    }
    return runs;
  }

  /** 1cycle at {@code model}'s budget: the configuration PyTorch trains beside clr4j. */
  Schedule onecycle(String model, Bounds bounds) {
    return schedule(BenchPolicy.ONECYCLE, bounds, Double.NaN, stepsPerEpoch, (long) stepsPerEpoch * budget.get(model));
  }

  /** The table label of a shorter 1cycle budget. */
  static String shorterLabel(int epochs) {
    return BenchPolicy.ONECYCLE.label() + ", " + epochs + (epochs == 1 ? " epoch" : " epochs");
  }

  /**
   * A policy's schedule for a budget of {@code total} steps: step decay starts at the best fixed rate and falls
   * ×0.1 after each third; the cyclic policies and 1cycle use the range test's bounds as train --bounds does;
   * triangular + decay is triangular whose both bounds decay to 10 % of their start by the end (Smith 2017).
   */
  static Schedule schedule(BenchPolicy policy, Bounds bounds, double bestLr, long perEpoch, long total) {
    switch (policy) {
      case STEP:
        return Schedule.parse("step(lr=" + Checks.format(bestLr) + ", every=" + Math.max(1, (total + 2) / 3)
            + ", gamma=" + Checks.format(STEP_GAMMA) + ")");
      case TRIANGULAR_DECAY: {
        String tri = PolicyChoice.schedule("triangular", bounds, perEpoch, total).toString();
        double decay = Math.pow(DECAY_TO, 1.0 / total);
        return Schedule.parse(tri.substring(0, tri.lastIndexOf(')')) + ", decay=" + decay + ")");
      }
      case TRIANGULAR2:
      case EXP_RANGE:
      case ONECYCLE:
        return PolicyChoice.schedule(policy.text(), bounds, perEpoch, total);
      default:
        throw new IllegalArgumentException("policy (" + policy.text() + ") must be one of "
            + String.join(", ", POLICIES.stream().map(BenchPolicy::text).toList()) + ": it has no budgeted schedule");
    }
  }

  /** The fixed rate {@code lr} as a schedule. */
  static Schedule constant(double lr) {
    return Schedule.parse("constant(lr=" + Checks.format(lr) + ")");
  }

  static String formatList(List<Double> values) {
    return String.join(",", values.stream().map(Checks::format).toList());
  }
}
