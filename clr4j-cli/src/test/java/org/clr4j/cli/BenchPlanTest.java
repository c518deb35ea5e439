package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.clr4j.rangetest.Bounds;
import org.junit.jupiter.api.Test;

/** Which configurations a bench plans, without training any. */
class BenchPlanTest {
  /** --quick on the embedded subset: 79 steps per epoch. */
  private static final BenchPlan QUICK = new BenchPlan(List.of("mlp"), List.of(0.01, 0.03, 0.1), 2, Map.of("mlp", 2),
      Map.of("mlp", List.of(1)), List.of(42L), 128, 79, false, List.of());

  @Test
  void quickPlansNineConfigurationsOf1343Steps() {
    // 3 grid rates + 5 policies + the 1-epoch 1cycle; (3 × 2 + 5 × 2 + 1) epochs of 79 steps.
    assertEquals(9, QUICK.configurations());
    assertEquals(Map.of("mlp", 1343L), QUICK.plannedSteps());
    assertEquals("fixed-rate grid 0.01,0.03,0.1 × 2 epochs (seed 42), then the best rate and step, triangular2, "
        + "exp_range, triangular_decay, onecycle × seeds [42], budget {mlp=2} epochs, shorter 1cycle budgets "
        + "{mlp=[1]}", QUICK.description());
  }

  @Test
  void moreSeedsRepeatTheBestRateAndEveryPolicyAndPyTorchRunsBeside() {
    BenchPlan plan = new BenchPlan(List.of("mlp", "cnn"), List.of(0.01, 0.1), 20, Map.of("mlp", 10, "cnn", 5),
        Map.of("mlp", List.of(4, 6), "cnn", List.of()), List.of(42L, 43L), 128, 10, true, List.of());
    // Grid 2, best rate on 1 more seed, 5 policies × 2 seeds, shorter 1cycle × 2 seeds, PyTorch × 2 seeds.
    assertEquals(2 + 1 + 10 + 4 + 2, plan.configurations("mlp"));
    assertEquals(2 + 1 + 10 + 0 + 2, plan.configurations("cnn"));
    assertEquals((2 * 20 + 20 + 5 * 2 * 10 + (4 + 6) * 2 + 2 * 10) * 10L, plan.plannedSteps("mlp"));
    assertTrue(plan.description().endsWith("; PyTorch 1cycle beside clr4j's"), plan.description());
  }

  @Test
  void policyRunsFollowTheTableOrderAndShorterBudgetsAreOnecycle() {
    Bounds b = new Bounds(0.01, 0.1);
    List<BenchPlan.PolicyRun> runs = QUICK.policyRuns("mlp", b, 0.03);
    assertEquals(List.of("step decay", "triangular2", "exp_range", "triangular + decay", "1cycle", "1cycle, 1 epoch"),
        runs.stream().map(BenchPlan.PolicyRun::label).toList());
    assertEquals(List.of(2, 2, 2, 2, 2, 1), runs.stream().map(BenchPlan.PolicyRun::epochs).toList());
    assertEquals(BenchPolicy.ONECYCLE, runs.get(5).policy());
    assertEquals("onecycle(max=0.1, total=79, pct=0.3, div=25, final_div=10000, anneal=cos, phases=2, "
        + "momentum=0.85:0.95)", runs.get(5).schedule().toString());
    assertEquals(runs.get(4).schedule(), QUICK.onecycle("mlp", b), "PyTorch trains the main 1cycle");
    assertTrue(runs.get(0).schedule().toString().startsWith("step(lr=0.03, every=53,"), runs.get(0).schedule()
        .toString());
  }

  /** Schedule-Free adds its grid on the first seed and its best rate on the other seeds, at each model's budget. */
  @Test
  void scheduleFreeAddsItsGridAndItsBestRateOnTheOtherSeeds() {
    BenchPlan plan = new BenchPlan(List.of("mlp", "cnn"), List.of(0.01, 0.1), 20, Map.of("mlp", 10, "cnn", 5),
        Map.of("mlp", List.of(4, 6), "cnn", List.of()), List.of(42L, 43L), 128, 10, false, List.of(0.5, 1.0, 2.0));
    BenchPlan without = new BenchPlan(plan.models(), plan.lrs(), 20, plan.budget(), plan.shorter(), plan.seeds(), 128,
        10, false, List.of());
    assertEquals(4, plan.scheduleFreeRuns());
    assertEquals(without.configurations("mlp") + 4, plan.configurations("mlp"));
    assertEquals(without.plannedSteps("cnn") + 4 * 5 * 10, plan.plannedSteps("cnn"));
    assertEquals("warmup(steps=5, start=0, then=constant(lr=1))", BenchPlan.scheduleFree(1, 100).toString());
    assertTrue(plan.description().endsWith("; Schedule-Free SGD at 0.5,1,2 (seed 42), its best on the other seeds"),
        plan.description());
  }

  @Test
  void policiesKeepTheirStoredNames() {
    for (BenchPolicy p : BenchPolicy.values()) {
      assertEquals(p, BenchPolicy.ofText(p.text()));
    }
    assertEquals(List.of("fixed", "step", "triangular2", "exp_range", "triangular_decay", "onecycle", "schedule_free", "range_test",
        "weight_decay_search"),
        List.of(BenchPolicy.values()).stream().map(BenchPolicy::text).toList());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchPolicy.ofText("cosine"));
    assertEquals("policy (cosine) must be one of fixed, step, triangular2, exp_range, triangular_decay, onecycle, "
        + "schedule_free, range_test, weight_decay_search", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> BenchPlan.schedule(BenchPolicy.FIXED, new Bounds(0.01, 0.1), 0.05, 10, 100));
  }
}
