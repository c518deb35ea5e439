package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** clr4j bench end to end on a sliver of the embedded data, its resume, its statistics and its bad options. */
class BenchCommandTest {
  private static final String[] TINY = {"bench", "--quick", "--train-samples", "800", "--test-samples", "200",
      "--fixed-epochs", "2", "--epochs", "2", "--onecycle-epochs", "1", "--lrs", "0.01,0.1", "--no-pytorch",
      "--range-steps", "30", "--eval-every", "0", "--threads", "1"};

  private static String[] tiny(Path out) {
    String[] args = java.util.Arrays.copyOf(TINY, TINY.length + 2);
    args[TINY.length] = "--out";
    args[TINY.length + 1] = out.toString();
    return args;
  }

  @Test
  void quickBenchWritesTableAndFilesAndASecondRunSkipsWhatFinished(@TempDir Path out) throws IOException {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(tiny(out));
    assertEquals(0, r.code(), r.err());
    for (String row : new String[] {"| fixed lr ", "| step decay |", "| triangular2 |", "| exp_range |",
        "| triangular + decay |", "| 1cycle |", "| 1cycle, 1 epoch |", "1cycle budgets tried: 1, 2 epochs",
        "Fixed-rate grid"}) {
      assertTrue(r.out().contains(row), row + " in " + r.out());
    }
    for (String f : new String[] {"results.jsonl", "summary.md", "summary.csv", "bench.csv", "bench.json",
        "accuracy-mlp.png", "range-mlp/range-test.json"}) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    // 1 range test + 2 grid rates + 5 policies + the shorter 1cycle, one line each; no checkpoint left behind.
    assertEquals(9, Files.readAllLines(out.resolve("results.jsonl")).size());
    assertFalse(Files.list(out.resolve("checkpoints")).findAny().isPresent());
    // Per-epoch CSV: header + 2 rates × 2 epochs + 5 policies × 2 epochs + the 1-epoch 1cycle.
    assertEquals(1 + 4 + 10 + 1, Files.readAllLines(out.resolve("bench.csv")).size());
    String json = Files.readString(out.resolve("bench.json"));
    for (String key : new String[] {"\"command\": \"bench\"", "\"environment\"", "\"summary\"", "\"results\"",
        "\"test_accuracy\"", "\"samples_per_second\"", "\"best_fixed_lr\"", "\"onecycle_epochs\"",
        "\"shortest_onecycle_budget_reaching_target\""}) {
      assertTrue(json.contains(key), key);
    }

    ScheduleCommandTest.Result again = ScheduleCommandTest.run(tiny(out));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("skipped 9 finished configuration(s)"), again.out());
    assertFalse(again.out().contains("  mlp fixed lr"), "nothing is trained again: " + again.out());
    assertEquals(9, Files.readAllLines(out.resolve("results.jsonl")).size());
    assertEquals(table(r.out()), table(again.out()), "the resumed report is the same report");
  }

  /**
   * --weight-decay auto: one search per model after the range test, recorded (and skipped on resume), its choice in
   * the summary and in every scheduled policy's configuration; the grid keeps the default.
   */
  @Test
  void autoWeightDecaySearchesOnceAndTheScheduledPoliciesUseTheChoice(@TempDir Path out) throws IOException {
    String[] args = with(tiny(out), "--weight-decay", "auto");
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(args);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("mlp: weight-decay search"), r.out());
    assertTrue(r.out().contains("Weight decay (automatic, "), r.out());
    assertTrue(r.out().contains("weight decay automatic for the scheduled policies (grid: 5e-4)"), r.out());
    BenchStore store = BenchStore.open(out);
    assertEquals(10, store.size(), "9 as without it, and the search");
    BenchStore.Result search = store.all().stream()
        .filter(x -> x.kind() == BenchStore.Kind.WEIGHT_DECAY_SEARCH).findFirst().orElseThrow();
    double chosen = search.weightDecay;
    assertTrue(search.note.startsWith("lowest mean held-out loss of short runs"), search.note);
    for (BenchStore.Result x : store.all()) {
      if (x.kind() != BenchStore.Kind.CLR4J) {
        continue;
      }
      Double expected = x.policy() == BenchPolicy.FIXED || chosen == BenchRunner.DEFAULT_WEIGHT_DECAY ? null : chosen;
      assertEquals(expected, x.weightDecay, x.id);
      assertEquals(expected != null, x.id.endsWith(" | weight decay " + chosen), x.id);
    }
    ScheduleCommandTest.Result again = ScheduleCommandTest.run(args);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("mlp: weight-decay search recorded: "), again.out());
    assertTrue(again.out().contains("skipped 10 finished configuration(s)"), again.out());
  }

  /** --schedule-free: its grid on the first seed, the best rate as a row, both in the summary. */
  @Test
  void scheduleFreeRunsItsGridAndReportsTheBestRate(@TempDir Path out) throws IOException {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(with(tiny(out), "--schedule-free", "--sf-lrs", "0.5,1"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| Schedule-Free SGD, lr "), r.out());
    assertTrue(r.out().contains("Schedule-Free SGD grid (seed 42, 2 epochs, 5 % warm-up"), r.out());
    assertTrue(r.out().contains("  mlp Schedule-Free SGD lr 0.500 seed 42 "), r.out());
    BenchStore store = BenchStore.open(out);
    assertEquals(11, store.size(), "9 as without it, and 2 Schedule-Free rates on the one seed");
    List<BenchStore.Result> sf = store.all().stream().filter(x -> "schedule_free".equals(x.policy)).toList();
    assertEquals(2, sf.size());
    assertTrue(sf.get(0).schedule.startsWith("warmup(steps="), sf.get(0).schedule);
    assertTrue(sf.get(0).schedule.endsWith("then=constant(lr=0.5))"), sf.get(0).schedule);
  }

  /** A numeric --weight-decay is every run's, Schedule-Free's included, and part of every configuration's id. */
  @Test
  void aNumericWeightDecayIsEveryRunsIncludingScheduleFree(@TempDir Path out) throws IOException {
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(with(tiny(out), "--weight-decay", "1e-4",
        "--schedule-free", "--sf-lrs", "1"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("SGD momentum 0.9, weight decay 1e-4, "), r.out());
    List<BenchStore.Result> runs = BenchStore.open(out).all().stream()
        .filter(x -> x.kind() == BenchStore.Kind.CLR4J).toList();
    assertEquals(9, runs.size(), "2 grid rates, 5 policies, the shorter 1cycle and 1 Schedule-Free rate");
    for (BenchStore.Result x : runs) {
      assertEquals(1e-4, x.weightDecay, x.id);
      assertTrue(x.id.endsWith(" | weight decay 1.0E-4"), x.id);
    }
  }

  private static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  /**
   * The compute to a tuned model: every grid run against the range test, the weight-decay search and the whole run
   * of the shortest 1cycle budget reaching the target in every seed.
   */
  @Test
  void computeToATunedModelCountsTheWholeGridAgainstTuningAndTheShortestOnecycle() {
    BenchReport.ModelRuns m = new BenchReport.ModelRuns("mlp");
    m.grid.add(run(0.80, 0.85, 0.90));
    m.grid.add(run(0.70, 0.75, 0.80));
    m.rangeTest = new BenchStore.Result();
    m.rangeTest.wallSeconds = 4;
    m.weightDecaySearch = new BenchStore.Result();
    m.weightDecaySearch.wallSeconds = 6;
    m.bestLr = 0.01;
    m.rows.put(BenchReport.fixedLabel(m), List.of(m.grid.get(0)));
    m.rows.put("1cycle, 1 epoch", List.of(run(0.95)));
    m.rows.put("1cycle", List.of(run(0.91, 0.95)));
    for (BenchStore.Result x : m.grid) {
      x.trainSeconds = 30;
    }
    m.rows.get("1cycle, 1 epoch").get(0).trainSeconds = 10;
    String table = BenchReport.computeTable(m, BenchReport.rows(m));
    assertTrue(table.contains("| grid search: 2 fixed rates, 6 epochs in all | — | 60 s | 60 s | 1.00× | defines it |"),
        table);
    assertFalse(table.contains("Schedule-Free"), table);
    assertTrue(table.contains("| clr4j automatic: range test (4 s), weight-decay search (6 s), then 1cycle, 1 epoch "
        + "(1 epoch) | 10 s | 10 s | 20 s | 3.00× | every seed (1) |"), table);
    // No budget reaches it: the longest one's cost, said to fall short.
    m.rows.put("1cycle, 1 epoch", List.of(run(0.5)));
    m.rows.put("1cycle", List.of(run(0.5, 0.6), run(0.5, 0.95)));
    m.rows.get("1cycle").forEach(x -> x.trainSeconds = 20);
    String short_ = BenchReport.computeTable(m, BenchReport.rows(m));
    assertTrue(short_.contains("then 1cycle (2 epochs) | 10 s | 20 s | 30 s | 2.00× | 1 of 2 seeds |"), short_);
    // Schedule-Free: its whole grid is what its tuned model costs.
    m.scheduleFreeGrid.add(run(0.80, 0.95));
    m.scheduleFreeGrid.add(run(0.80, 0.85));
    m.scheduleFreeGrid.forEach(x -> x.trainSeconds = 15);
    m.rows.put("Schedule-Free SGD, lr 1.00 (best of 1,2)", List.of(m.scheduleFreeGrid.get(0)));
    String sf = BenchReport.computeTable(m, BenchReport.rows(m));
    assertTrue(sf.contains("| Schedule-Free SGD: 2 rates × 2 epochs | — | 30 s | 30 s | 2.00× | every seed (1) |"),
        sf);
    m.grid.clear();
    assertEquals(null, BenchReport.computeTable(m, BenchReport.rows(m)), "no grid, nothing to compare with");
  }

  /** The markdown table rows of a bench's output. */
  private static List<String> table(String out) {
    return out.lines().filter(l -> l.startsWith("| ")).toList();
  }

  @Test
  void rowStatisticsCountEpochsToTargetOverTheSeedsThatReachIt() {
    BenchStore.Result a = run(0.80, 0.85, 0.90);
    BenchStore.Result b = run(0.80, 0.88, 0.89);
    BenchReport.Row row = BenchReport.row("p", List.of(a, b), 0.85, 4.0);
    assertEquals(2, row.reached());
    assertEquals(2.0, row.epochsToTarget(), 1e-12); // epochs 2 and 2
    assertEquals(2.0, row.speedup(), 1e-12);        // 4 / 2
    assertEquals(0.895, row.accuracyMean(), 1e-12);
    assertEquals(Math.sqrt(2) * 0.005, row.accuracySd(), 1e-12);
    BenchReport.Row none = BenchReport.row("q", List.of(run(0.5, 0.6)), 0.85, 4.0);
    assertEquals(0, none.reached());
    assertTrue(Double.isNaN(none.epochsToTarget()));
    assertTrue(Double.isNaN(none.accuracySd()), "one seed has no spread");
    BenchStore.Result diverged = run(0.9);
    diverged.status = "diverged";
    BenchReport.Row partial = BenchReport.row("d", List.of(a, diverged), 0.85, 4.0);
    assertEquals(1, partial.diverged());
    assertEquals(0.90, partial.accuracyMean(), 1e-12);
  }

  private static BenchStore.Result run(double... accuracies) {
    BenchStore.Result r = new BenchStore.Result();
    r.kind = "clr4j";
    r.status = "completed";
    r.samplesPerSecond = 1000;
    for (int i = 0; i < accuracies.length; i++) {
      r.epochResults.add(new BenchStore.Epoch(i + 1, accuracies[i], 0.5, 0.5, 10.0 * (i + 1), 1000));
    }
    r.epochs = accuracies.length;
    return r;
  }

  @Test
  void policiesGetTheirSchedules() {
    Bounds b = new Bounds(0.01, 0.1);
    assertEquals(Schedule.parse("step(lr=0.05, every=34, gamma=0.1)"), BenchCommand.schedule("step", b, 0.05, 20, 100));
    Schedule decayed = BenchCommand.schedule("triangular_decay", b, 0.05, 10, 100);
    assertTrue(decayed.toString().startsWith("triangular(base=0.01, max=0.1"), decayed.toString());
    assertEquals(0.001, decayed.valueAt(100), 1e-9); // the end of its one cycle: base × 0.1
    assertEquals(0.1 * Math.pow(0.1, 0.5), decayed.valueAt(50), 1e-9); // the peak, half way: max × 0.1^(1/2)
    assertTrue(BenchCommand.schedule("onecycle", b, 0.05, 10, 100).toString().startsWith("onecycle(max=0.1"));
  }

  @Test
  void pyTorchRunsInTheCallersEnvironmentWithoutTheLaunchersAllocatorSettings() {
    Map<String, String> env = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "1",
        "LD_PRELOAD", "/usr/lib/libtcmalloc_minimal.so.4", "MALLOC_TRIM_THRESHOLD_", "7", "PATH", "/bin",
        "CLR4J_MALLOC_SET", "LD_PRELOAD MALLOC_ARENA_MAX"));
    BenchPyTorch.callersEnvironment(env, "LD_PRELOAD MALLOC_ARENA_MAX");
    // The caller's own MALLOC_TRIM_THRESHOLD_ stays; what the launcher set goes.
    assertEquals(Map.of("MALLOC_TRIM_THRESHOLD_", "7", "PATH", "/bin"), env);
    Map<String, String> untouched = new HashMap<>(Map.of("PATH", "/bin"));
    BenchPyTorch.callersEnvironment(untouched, null);
    assertEquals(Map.of("PATH", "/bin"), untouched);
  }

  @Test
  void pyTorchResultsNameTheBlasAndItsThreadSettingWhereTheRecordHasThem(@TempDir Path dir) throws IOException {
    String common = "\"schedule\": \"constant(lr=0.1)\", \"epochs\": 1, \"seed\": 42, \"samples_per_second\": 9.5,"
        + " \"train_seconds\": 2.0, \"torch\": \"1.13.1\", \"threads\": 2, \"init\": \"djl\","
        + " \"loader\": \"randperm\", \"epoch_results\": [{\"epoch\": 1, \"test_accuracy\": 0.8,"
        + " \"test_loss\": 0.5, \"train_loss\": 0.6, \"train_seconds\": 2.0, \"samples_per_second\": 9.5}]";
    Path now = dir.resolve("now.json");
    Files.writeString(now, "{" + common + ", \"blas\": \"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\","
        + " \"openblas_threads\": \"1\", \"blas_setting\": \"OPENBLAS_NUM_THREADS=1\"}");
    assertEquals("torch 1.13.1, 2 thread(s), init djl, loader randperm, BLAS "
        + "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 (OPENBLAS_NUM_THREADS=1)",
        BenchPyTorch.read(now).note);
    Path before = dir.resolve("before.json"); // written before the script recorded its BLAS
    Files.writeString(before, "{" + common + "}");
    assertEquals("torch 1.13.1, 2 thread(s), init djl, loader randperm", BenchPyTorch.read(before).note);
  }

  @Test
  void shorterOnecycleBudgetsParseAndStayBelowTheMainBudget() {
    Map<String, Integer> budget = Map.of("mlp", 10, "cnn", 5);
    List<String> both = List.of("mlp", "cnn");
    assertEquals(Map.of("mlp", List.of(4, 6, 8), "cnn", List.of(2, 3)),
        BenchCommand.parseOnecycleEpochs(null, both, false, budget));
    assertEquals(Map.of("mlp", List.of(), "cnn", List.of()),
        BenchCommand.parseOnecycleEpochs("none", both, false, budget));
    // Sorted, without repeats, and without budgets at or above the main one (5 for cnn).
    assertEquals(Map.of("mlp", List.of(3, 7), "cnn", List.of(3)),
        BenchCommand.parseOnecycleEpochs("7:3:3:12", both, false, budget));
    assertEquals(Map.of("mlp", List.of(4, 6, 8), "cnn", List.of(1, 4)),
        BenchCommand.parseOnecycleEpochs("cnn=4:1", both, false, budget));
    assertEquals(Map.of("mlp", List.of()), BenchCommand.parseOnecycleEpochs("mlp=none", List.of("mlp"), false,
        Map.of("mlp", 10)));
    assertEquals(Map.of("mlp", List.of(1)), BenchCommand.parseOnecycleEpochs(null, List.of("mlp"), true,
        Map.of("mlp", 2)));
    for (String bad : new String[] {"0", "2:x", "rnn=2", "mlp=", "mlp=2:-1", "mlp:3"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BenchCommand.parseOnecycleEpochs(bad, both, false, budget), bad);
      assertTrue(e.getMessage().startsWith("--onecycle-epochs (" + bad + ") must be"), e.getMessage());
    }
  }

  @Test
  void theShortestOnecycleBudgetReachingTheTargetInEverySeedIsItsTimeToAccuracy() {
    List<BenchReport.Row> rows = List.of(row("fixed lr 0.03", "clr4j", 20, 2, 2, 18),
        row("1cycle", "clr4j", 10, 2, 2, 9), row("1cycle, 4 epochs", "clr4j", 4, 2, 0, Double.NaN),
        row("1cycle, 6 epochs", "clr4j", 6, 2, 1, 6), row("1cycle, 8 epochs", "clr4j", 8, 2, 2, 8),
        row("pytorch 1cycle", "pytorch", 2, 2, 2, 2));
    assertEquals(8, BenchReport.shortestOnecycle(rows).epochs(), "6 epochs reached it in one seed of two only");
    assertEquals("1cycle budgets tried: 4, 6, 8, 10 epochs; the shortest reaching the target in every seed: "
        + "**8 epochs**, 2.25× fewer epochs than the fixed rate.", BenchReport.onecycleVerdict(rows));
    List<BenchReport.Row> none = List.of(row("1cycle", "clr4j", 10, 2, 1, 10), row("1cycle, 4 epochs", "clr4j", 4,
        2, 0, Double.NaN));
    assertEquals(null, BenchReport.shortestOnecycle(none));
    assertEquals("1cycle budgets tried: 4, 10 epochs; none reached the target in every seed.",
        BenchReport.onecycleVerdict(none));
    assertEquals(null, BenchReport.onecycleVerdict(none.subList(0, 1)), "one budget: nothing to compare");
  }

  private static BenchReport.Row row(String label, String framework, int epochs, int seeds, int reached,
      double epochsToTarget) {
    return new BenchReport.Row(label, framework, "", epochs, seeds, reached, epochsToTarget, Double.NaN,
        18 / epochsToTarget, 0.9, 0.001, 1000, 0, "");
  }

  @Test
  void epochBudgetsParse() {
    assertEquals(Map.of("mlp", 10, "cnn", 5), BenchCommand.parseEpochs(null, List.of("mlp", "cnn"), false));
    assertEquals(Map.of("mlp", 3, "cnn", 3), BenchCommand.parseEpochs("3", List.of("mlp", "cnn"), false));
    assertEquals(Map.of("mlp", 7, "cnn", 5), BenchCommand.parseEpochs("mlp=7", List.of("mlp", "cnn"), false));
    assertThrows(IllegalArgumentException.class, () -> BenchCommand.parseEpochs("rnn=3", List.of("mlp"), false));
    assertThrows(IllegalArgumentException.class, () -> BenchCommand.parseEpochs("0", List.of("mlp"), false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--models=rnn", "--lrs=0.1,-1", "--seeds=0", "--epochs=mlp=0", "--fixed-epochs=0",
      "--onecycle-epochs=0",
      "--method=best", "--train-samples=3", "--weight-decay=x", "--weight-decay=-1",
      "--sf-lrs=1", "--schedule-free --sf-lrs=-1"})
  void badOptionsExitWithCode2AndOneLine(String option, @TempDir Path out) {
    String[] args = with(new String[] {"bench", "--quick", "--no-pytorch"}, option.split(" "));
    ScheduleCommandTest.Result r = ScheduleCommandTest.run(with(args, "--out", out.toString()));
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().startsWith("clr4j: "), r.err());
    assertFalse(Files.exists(out.resolve("results.jsonl")), "nothing ran");
  }
}
