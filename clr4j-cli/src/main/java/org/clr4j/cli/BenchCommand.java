package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.clr4j.Checks;
import org.clr4j.data.DataSources;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.reference.ReferenceModel;
import org.clr4j.reference.RunRecord;
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clr4j bench}: the policies of Smith's CLR and 1cycle papers against the best fixed learning rate, on full
 * Fashion-MNIST, per model, over several seeds; optionally beside PyTorch running the same 1cycle configuration.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Benchmarks the schedules: for each model, a range test (bounds for the cyclic policies and 1cycle), a grid "
            + "of fixed learning rates, then the best fixed rate, step decay, triangular2, exp_range, triangular "
            + "with decaying bounds and 1cycle, each over several seeds. Reports the epochs and seconds each needs to "
            + "reach the best fixed rate's accuracy, its final accuracy (mean ± SD over seeds) and throughput; with "
            + "python3 and torch, PyTorch trains the same 1cycle configuration beside it.",
        "",
        "Every finished configuration is appended to OUT/results.jsonl at once; run the same command again to "
            + "resume: finished configurations are skipped and an interrupted one continues from its last "
            + "checkpoint. Writes OUT/summary.md (also printed), summary.csv, bench.csv (every epoch), bench.json "
            + "(run record and all results), accuracy-<model>.png and range-<model>/.",
        "",
        "The default run (mlp and cnn, 2 seeds, 5 rates × 20 fixed epochs) took 2 h 22 min on 2 cores "
            + "(docs/BENCHMARKS.md); --quick (embedded subset, mlp, 3 rates, 2 epochs, 1 seed) under a minute.",
        ""})
final class BenchCommand implements Callable<Integer> {
  /** The models --models accepts: the reference models by their command-line names. */
  static final List<String> MODELS = java.util.Arrays.stream(ReferenceModel.values()).map(ReferenceModel::cliName)
      .toList();
  static final List<Double> DEFAULT_LRS = List.of(0.003, 0.01, 0.03, 0.1, 0.3);
  static final List<Double> QUICK_LRS = List.of(0.01, 0.03, 0.1);
  /** Default epoch budgets of the scheduled policies, chosen so that the default run fits 2.5 h on 2 cores. */
  static final Map<String, Integer> DEFAULT_EPOCHS = Map.of("mlp", 10, "cnn", 5);
  /** Default shorter 1cycle budgets: around a third of the fixed rate's ~20 epochs (mlp) and a fifth (cnn). */
  static final Map<String, List<Integer>> DEFAULT_ONECYCLE_EPOCHS = Map.of("mlp", List.of(4, 6, 8), "cnn",
      List.of(2, 3));

  @Spec CommandSpec spec;

  @Option(names = "--quick", description = "A small run (under 5 minutes): the embedded subset, mlp, rates "
      + "0.01,0.03,0.1, 2 epochs, 1 seed. Options given explicitly still apply.")
  boolean quick;

  @Option(names = "--models", paramLabel = "M", split = ",",
      description = "Models to bench, comma-separated. Default: mlp,cnn (--quick: mlp).")
  List<String> models;

  @Option(names = "--data", paramLabel = "SOURCE",
      description = "fashion-mnist (full 60k/10k) or fashion-mnist-small (embedded 10k/2k). Default: fashion-mnist "
          + "(--quick: fashion-mnist-small).")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where to look first for the Fashion-MNIST files.")
  Path dataDir;

  @Option(names = "--train-samples", paramLabel = "N", description = "Use the first N training samples only.")
  Integer trainSamples;

  @Option(names = "--test-samples", paramLabel = "N", description = "Use the first N test samples only.")
  Integer testSamples;

  @Option(names = "--lrs", paramLabel = "LR", split = ",",
      description = "The fixed-rate grid. Default: 0.003,0.01,0.03,0.1,0.3 (--quick: 0.01,0.03,0.1).")
  List<Double> lrs;

  @Option(names = "--fixed-epochs", paramLabel = "N",
      description = "Epochs of each fixed-rate run. Default: 20 (--quick: 2).")
  Integer fixedEpochs;

  @Option(names = "--epochs", paramLabel = "N|MODEL=N,...",
      description = "Epoch budget of the scheduled policies, for all models or per model (e.g. mlp=10,cnn=5). "
          + "Default: mlp=10,cnn=5 (--quick: 2).")
  String epochs;

  @Option(names = "--onecycle-epochs", paramLabel = "N:N...|MODEL=N:N...,...",
      description = "Shorter 1cycle budgets, run besides the --epochs one: 1cycle must know its length in advance, "
          + "so its time to accuracy is the shortest budget that reaches the target. For all models or per model "
          + "(e.g. mlp=4:6:8,cnn=2:3); budgets not below --epochs are left out; none for no others. "
          + "Default: mlp=4:6:8,cnn=2:3 (--quick: 1).")
  String onecycleEpochs;

  @Option(names = "--seeds", paramLabel = "N",
      description = "Seeds per configuration (the grid uses the first only). Default: 2 (--quick: 1).")
  Integer seeds;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
      description = "The first seed; the others follow it. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--threads", paramLabel = "N", description = "Compute threads (clr4j and PyTorch). "
      + "Default: the number of cores.")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "clr4j-bench-results",
      description = "Output directory; reuse it to resume. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--pytorch", negatable = true,
      description = "Also train the 1cycle configuration with PyTorch (" + BenchPyTorch.SCRIPT + "). Default: when "
          + "python3 with torch is found.")
  Boolean pytorch;

  @Option(names = "--python", paramLabel = "EXE", description = "Python with torch. Default: /usr/bin/python3, "
      + "else python3 on the PATH.")
  String python;

  @Option(names = "--pytorch-script", paramLabel = "FILE",
      description = "train_pytorch.py. Default: found in the clr4j checkout or the working directory.")
  Path pytorchScript;

  @Option(names = "--weight-decay", paramLabel = "WD|auto",
      description = "Weight decay of every run, or 'auto': after the range test, a weight-decay search (short 1cycle "
          + "runs scored on held-out training samples, as train --weight-decay auto) chooses it for the scheduled "
          + "policies and PyTorch, while the fixed-rate grid and Schedule-Free keep 5e-4; the summary then counts the "
          + "search in the compute to a tuned model. Default: 5e-4.")
  String weightDecay;

  @Option(names = "--schedule-free", description = "Also train Schedule-Free SGD (Defazio et al. 2024; 5 %% linear "
      + "warm-up, then constant) for each model's budget: every --sf-lrs rate on the first seed, the best on the "
      + "others. Off by default (it adds (rates + seeds - 1) × budget epochs per model).")
  boolean scheduleFree;

  @Option(names = "--sf-lrs", paramLabel = "LR", split = ",",
      description = "Schedule-Free's rates, the authors' 10-50× a classical SGD rate. Default: 0.5,1,2.")
  List<Double> sfLrs;

  @Mixin RangeTestOptions range = new RangeTestOptions();

  // Resolved settings.
  private List<String> modelList;
  private List<Double> lrList;
  private List<Double> scheduleFreeLrs;
  private int fixed;
  private Map<String, Integer> budget;
  private Map<String, List<Integer>> shorter;
  private List<Long> seedList;
  private int threadCount;
  /** The weight decay of the grid, and of every run unless --weight-decay auto. */
  private double fixedWeightDecay;
  private boolean autoWeightDecay;
  private TrainTest trainTest;
  private PrintWriter o;

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    resolve();
    o = spec.commandLine().getOut();
    trainTest = DataSources.parse(data, dataDir);
    if (trainSamples != null || testSamples != null) {
      trainTest = new TrainTest(trainSamples == null ? trainTest.train() : trainTest.train().head(trainSamples),
          testSamples == null ? trainTest.test() : trainTest.test().head(testSamples));
    }
    Files.createDirectories(out);
    BenchStore store = BenchStore.open(out);
    BenchPyTorch torch = pytorchRunner();
    int perEpoch = BenchRunner.stepsPerEpoch(trainTest.train().size(), batchSize);
    BenchPlan plan = new BenchPlan(modelList, lrList, fixed, budget, shorter, seedList, batchSize, perEpoch,
        torch != null, scheduleFreeLrs);
    BenchRunner runner = new BenchRunner(store, out, o, trainTest, batchSize, threadCount, BenchRunner.LIBRARY);
    o.println("clr4j bench: " + String.join(", ", modelList) + " on " + trainTest.train().name() + " ("
        + trainTest.train().size() + " train / " + trainTest.test().size() + " test), batch " + batchSize + ", "
        + perEpoch + " steps/epoch, SGD momentum 0.9, " + weightDecayText() + ", " + threadCount + " thread(s)");
    o.println(plan.description());
    if (store.size() > 0) {
      o.println("resuming: " + store.size() + " finished configuration(s) recorded in " + store.file()
          + "; skipping those" + (store.unreadable() > 0 ? " (" + store.unreadable() + " unreadable line(s) ignored)"
              : ""));
    }
    o.println();
    o.flush();

    // Range tests first: each draws its own bar, which must not share the terminal with the overall one.
    Map<String, BenchReport.ModelRuns> runs = new LinkedHashMap<>();
    try (NoteOnSignal note = NoteOnSignal.install(spec.commandLine().getErr(), "clr4j: interrupted during the range "
        + "tests or the weight-decay search: what finished is in " + store.file() + "; run the same command to "
        + "resume")) {
      for (String model : modelList) {
        BenchReport.ModelRuns m = new BenchReport.ModelRuns(model);
        m.rangeTest = runner.rangeTest(model, range, options(model), (long) perEpoch * budget.get(model));
        m.weightDecay = fixedWeightDecay;
        if (autoWeightDecay) {
          m.weightDecaySearch = runner.weightDecaySearch(model, options(model), bounds(m.rangeTest));
          m.weightDecay = m.weightDecaySearch.weightDecay;
        }
        runs.put(model, m);
      }
    }

    try (BenchProgress bar = new BenchProgress(plan.plannedSteps(), plan.priorSecondsPerStep(threadCount),
        plan.configurations())) {
      runner.reportTo(bar);
      o.printf(Locale.ROOT, "plan: %d training configurations; estimated %s before any is measured%n%n",
          plan.configurations(), duration(bar.secondsLeft()));
      o.flush();
      for (String model : modelList) {
        benchModel(runs.get(model), plan, runner, torch, fixedWeightDecay);
      }
    } catch (BenchRunner.Interrupted e) {
      o.println();
      o.println("interrupted: finished configurations are in " + store.file() + "; run the same command to resume");
      o.flush();
      return 130;
    }

    List<BenchReport.ModelRuns> all = new ArrayList<>(runs.values());
    String markdown = BenchReport.markdown(all, BenchReport.header(trainTest, batchSize, seedList, threadCount,
        weightDecayText()));
    Files.writeString(out.resolve("summary.md"), markdown, StandardCharsets.UTF_8);
    BenchReport.writeSummaryCsv(all, out.resolve("summary.csv"));
    BenchReport.writeEpochCsv(store.all(), out.resolve("bench.csv"));
    for (BenchReport.ModelRuns m : all) {
      BenchReport.plot(m, out.resolve("accuracy-" + m.model + ".png"));
    }
    writeRecord(all, store, (System.nanoTime() - start) / 1e9);
    o.println();
    if (runner.skipped() > 0) {
      o.println("skipped " + runner.skipped() + " finished configuration(s) recorded in " + store.file());
    }
    o.println(markdown);
    o.printf(Locale.ROOT, "wrote %s: summary.md, summary.csv, bench.csv, bench.json, %s, results.jsonl (%.0f s)%n",
        out, String.join(", ", modelList.stream().map(m -> "accuracy-" + m + ".png").toList()),
        (System.nanoTime() - start) / 1e9);
    o.flush();
    return 0;
  }

  /** Applies --quick's defaults to the options not given, and checks every option before any work starts. */
  private void resolve() {
    modelList = models != null ? List.copyOf(new LinkedHashSet<>(models)) : quick ? List.of("mlp")
        : List.of("mlp", "cnn");
    if (modelList.isEmpty()) {
      throw new IllegalArgumentException("--models must name at least one of " + MODELS);
    }
    for (String m : modelList) {
      if (!MODELS.contains(m)) {
        throw new IllegalArgumentException("--models (" + m + ") must be one of "
            + ReferenceModel.names());
      }
    }
    if (data == null) {
      data = quick ? "fashion-mnist-small" : "fashion-mnist";
    }
    lrList = lrs != null ? List.copyOf(new LinkedHashSet<>(lrs)) : quick ? QUICK_LRS : DEFAULT_LRS;
    if (lrList.isEmpty()) {
      throw new IllegalArgumentException("--lrs must list at least one learning rate");
    }
    for (double lr : lrList) {
      Checks.positive("--lrs", lr);
    }
    if (sfLrs != null && !scheduleFree) {
      throw new IllegalArgumentException("--sf-lrs needs --schedule-free");
    }
    scheduleFreeLrs = !scheduleFree ? List.of() : sfLrs != null ? List.copyOf(new LinkedHashSet<>(sfLrs))
        : BenchPlan.SF_LRS;
    if (scheduleFree && scheduleFreeLrs.isEmpty()) {
      throw new IllegalArgumentException("--sf-lrs must list at least one learning rate");
    }
    for (double lr : scheduleFreeLrs) {
      Checks.positive("--sf-lrs", lr);
    }
    fixed = Checks.atLeast("--fixed-epochs", fixedEpochs != null ? fixedEpochs : quick ? 2 : 20, 1);
    budget = parseEpochs(epochs, modelList, quick);
    shorter = parseOnecycleEpochs(onecycleEpochs, modelList, quick, budget);
    int n = Checks.atLeast("--seeds", seeds != null ? seeds : quick ? 1 : 2, 1);
    seedList = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      seedList.add(seed + i);
    }
    Checks.atLeast("--batch-size", batchSize, 1);
    if (trainSamples != null) {
      Checks.atLeast("--train-samples", trainSamples, 10);
    }
    if (testSamples != null) {
      Checks.atLeast("--test-samples", testSamples, 1);
    }
    if (pytorchScript != null && !Files.isRegularFile(pytorchScript)) {
      throw new IllegalArgumentException("--pytorch-script (" + pytorchScript + ") is not a file");
    }
    range.method(); // a bad --method fails now, not after an hour
    autoWeightDecay = DataModelOptions.AUTO.equals(weightDecay);
    fixedWeightDecay = BenchRunner.DEFAULT_WEIGHT_DECAY;
    if (weightDecay != null && !autoWeightDecay) {
      try {
        fixedWeightDecay = Checks.nonNegative("--weight-decay", Double.parseDouble(weightDecay));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--weight-decay (" + weightDecay + ") must be a number >= 0 or 'auto'");
      }
    }
    threadCount = threads == null ? Runtime.getRuntime().availableProcessors()
        : Checks.atLeast("--threads", threads, 1);
    options(modelList.get(0)).validate(); // applies the thread count before the engine starts
  }

  /** {@code N} for every model, or {@code model=N,...} (models not named keep their default). */
  static Map<String, Integer> parseEpochs(String text, List<String> models, boolean quick) {
    Map<String, Integer> defaults = new LinkedHashMap<>();
    for (String m : models) {
      defaults.put(m, quick ? 2 : DEFAULT_EPOCHS.get(m));
    }
    String rule = "--epochs (" + text + ") must be a whole number >= 1 or MODEL=N pairs, e.g. mlp=10,cnn=5";
    return perModel(text, defaults, v -> atLeastOne(v, rule), rule);
  }

  /**
   * The shorter 1cycle budgets per model, ascending, each below that model's {@code budget}: {@code N:N...} for
   * every model, {@code model=N:N...,...} (models not named keep their default), or {@code none}.
   */
  static Map<String, List<Integer>> parseOnecycleEpochs(String text, List<String> models, boolean quick,
      Map<String, Integer> budget) {
    Map<String, List<Integer>> defaults = new LinkedHashMap<>();
    for (String m : models) {
      defaults.put(m, quick ? List.of(1) : DEFAULT_ONECYCLE_EPOCHS.get(m));
    }
    String rule = "--onecycle-epochs (" + text + ") must be none, whole numbers >= 1 separated by ':' or "
        + "MODEL=N:N... pairs, e.g. mlp=4:6,cnn=2:3";
    Map<String, List<Integer>> result = perModel(text, defaults, v -> v.equals("none") ? List.of()
        : Arrays.stream(v.split(":")).map(part -> atLeastOne(part.strip(), rule)).toList(), rule);
    result.replaceAll((m, list) -> list.stream().filter(e -> e < budget.get(m)).distinct().sorted().toList());
    return result;
  }

  /**
   * A per-model option: one value for every model, or {@code MODEL=VALUE} pairs separated by commas (models not
   * named keep their {@code defaults}; models not benched are checked, then ignored). {@code value} parses one
   * value, throwing IllegalArgumentException with {@code rule} when it is wrong.
   */
  private static <T> Map<String, T> perModel(String text, Map<String, T> defaults, Function<String, T> value,
      String rule) {
    Map<String, T> result = new LinkedHashMap<>(defaults);
    if (text == null) {
      return result;
    }
    try {
      if (!text.contains("=")) {
        T all = value.apply(text.strip());
        result.replaceAll((m, v) -> all);
        return result;
      }
      for (String pair : text.split(",")) {
        String[] kv = pair.split("=", 2);
        String m = kv[0].strip();
        if (kv.length != 2 || !MODELS.contains(m)) {
          throw new IllegalArgumentException(rule);
        }
        T v = value.apply(kv[1].strip());
        if (result.containsKey(m)) {
          result.put(m, v);
        }
      }
      return result;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(rule);
    }
  }

  /** A whole number >= 1, else IllegalArgumentException with {@code rule} (NumberFormatException when not a number). */
  private static int atLeastOne(String text, String rule) {
    int n = Integer.parseInt(text);
    if (n < 1) {
      throw new IllegalArgumentException(rule);
    }
    return n;
  }

  /** The shared training options for one model, as train and find would have them. */
  private DataModelOptions options(String model) {
    DataModelOptions d = new DataModelOptions();
    d.data = data;
    d.dataDir = dataDir;
    d.model = model;
    d.optimizer = "sgd";
    d.clip = 0;
    d.batchSize = batchSize;
    d.seed = seed;
    d.threads = threadCount;
    return d;
  }

  private BenchPyTorch pytorchRunner() {
    if (Boolean.FALSE.equals(pytorch)) {
      return null;
    }
    String[] why = new String[1];
    if (!BenchPyTorch.suits(trainTest)) {
      why[0] = "the data is not 28×28 greyscale images in 10 classes";
    }
    BenchPyTorch runner = why[0] == null ? BenchPyTorch.find(python, pytorchScript, why) : null;
    if (runner == null) {
      if (Boolean.TRUE.equals(pytorch)) {
        throw new IllegalArgumentException("--pytorch: " + why[0]);
      }
      o.println("PyTorch comparison skipped: " + why[0]);
    } else {
      o.println("PyTorch: " + runner.python() + " " + runner.script());
    }
    return runner;
  }

  /**
   * One model's configurations in plan order: the grid, the best rate on the other seeds, every policy on every
   * seed, then PyTorch's 1cycle. The range test has run.
   */
  private static void benchModel(BenchReport.ModelRuns m, BenchPlan plan, BenchRunner runner, BenchPyTorch torch,
      double gridWeightDecay) throws IOException {
    String model = m.model;
    List<Long> seeds = plan.seeds();
    for (double lr : plan.lrs()) {
      m.grid.add(runner.clr4j(model, BenchPolicy.FIXED, BenchPlan.constant(lr), lr, seeds.get(0),
          plan.fixedEpochs(), gridWeightDecay));
    }
    BenchStore.Result best = m.grid.stream().filter(BenchStore.Result::completed)
        .max(Comparator.comparingDouble(BenchStore.Result::bestAccuracy))
        .orElseThrow(() -> new IllegalStateException(model + ": every fixed rate of the grid "
            + BenchPlan.formatList(plan.lrs()) + " diverged; give lower --lrs"));
    m.bestLr = best.lr;
    List<BenchStore.Result> fixedRuns = new ArrayList<>(List.of(best));
    for (long s : seeds.subList(1, seeds.size())) {
      fixedRuns.add(runner.clr4j(model, BenchPolicy.FIXED, BenchPlan.constant(best.lr), best.lr, s,
          plan.fixedEpochs(), gridWeightDecay));
    }
    m.rows.put(BenchReport.fixedLabel(m), fixedRuns);
    Bounds bounds = bounds(m.rangeTest);
    for (BenchPlan.PolicyRun run : plan.policyRuns(model, bounds, best.lr)) {
      m.rows.put(run.label(), runner.everySeed(model, run.policy(), run.schedule(), seeds, run.epochs(),
          m.weightDecay));
    }
    if (!plan.scheduleFreeLrs().isEmpty()) {
      scheduleFree(m, plan, runner, gridWeightDecay);
    }
    if (torch != null) {
      Path idx = runner.pytorchData();
      List<BenchStore.Result> list = new ArrayList<>();
      for (long s : seeds) {
        BenchStore.Result r = runner.pytorch(torch, model, plan.onecycle(model, bounds), s, plan.budget().get(model),
            idx, m.weightDecay);
        if (r != null) {
          list.add(r);
        }
      }
      if (!list.isEmpty()) {
        m.rows.put("pytorch 1cycle", list);
      }
    }
  }

  /**
   * Schedule-Free SGD at the model's budget: every rate of its grid on the first seed, then the rate with the best
   * final accuracy on the other seeds (its row); at the grid's weight decay ({@code weightDecay}: --weight-decay when
   * a number, else the default), since the search's trials were 1cycle ones.
   */
  private static void scheduleFree(BenchReport.ModelRuns m, BenchPlan plan, BenchRunner runner, double weightDecay)
      throws IOException {
    int epochs = plan.budget().get(m.model);
    long total = (long) plan.stepsPerEpoch() * epochs;
    List<Long> seeds = plan.seeds();
    for (double lr : plan.scheduleFreeLrs()) {
      m.scheduleFreeGrid.add(runner.clr4j(m.model, BenchPolicy.SCHEDULE_FREE, BenchPlan.scheduleFree(lr, total), lr,
          seeds.get(0), epochs, weightDecay));
    }
    BenchStore.Result best = m.scheduleFreeGrid.stream().filter(BenchStore.Result::completed)
        .max(Comparator.comparingDouble(BenchStore.Result::finalAccuracy)).orElse(null);
    if (best == null) {
      return; // every rate diverged: the grid table says so
    }
    m.scheduleFreeBestLr = best.lr;
    List<BenchStore.Result> row = new ArrayList<>(List.of(best));
    for (long s : seeds.subList(1, seeds.size())) {
      row.add(runner.clr4j(m.model, BenchPolicy.SCHEDULE_FREE, BenchPlan.scheduleFree(best.lr, total), best.lr, s,
          epochs, weightDecay));
    }
    m.rows.put(BenchPolicy.SCHEDULE_FREE.label() + ", lr " + Charts.fmt(best.lr) + " (best of "
        + BenchPlan.formatList(plan.scheduleFreeLrs()) + ")", row);
  }

  /** The bounds a recorded range test found. */
  private static Bounds bounds(BenchStore.Result rangeTest) {
    return new Bounds(rangeTest.lower, rangeTest.upper);
  }

  /** The weight decay in words, for the first line and the summary's header. */
  private String weightDecayText() {
    return autoWeightDecay ? "weight decay automatic for the scheduled policies (grid: "
        + Checks.format(fixedWeightDecay) + ")" : "weight decay " + Checks.format(fixedWeightDecay);
  }

  /**
   * {@link BenchPlan#schedule} by the policy's stored name, e.g. {@code triangular_decay}, as BenchCommandTest names
   * them.
   */
  static Schedule schedule(String policy, Bounds bounds, double bestLr, long perEpoch, long total) {
    return BenchPlan.schedule(BenchPolicy.ofText(policy), bounds, bestLr, perEpoch, total);
  }

  private void writeRecord(List<BenchReport.ModelRuns> all, BenchStore store, double seconds) throws IOException {
    RunRecord record = RunRecord.of("bench");
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("quick", quick);
    options.put("models", modelList);
    options.put("lrs", lrList);
    options.put("fixed_epochs", fixed);
    options.put("epochs", budget);
    options.put("onecycle_epochs", shorter);
    options.put("seeds", seedList);
    options.put("batch_size", batchSize);
    options.put("optimizer", OptimizerConfig.defaults(OptimizerKind.SGD).toString());
    options.put("weight_decay", autoWeightDecay ? DataModelOptions.AUTO : fixedWeightDecay);
    options.put("schedule_free_lrs", scheduleFreeLrs);
    options.put("step_decay", "lr × " + BenchPlan.STEP_GAMMA
        + " after each third of the budget, from the best fixed rate");
    options.put("triangular_decay", "both bounds × " + BenchPlan.DECAY_TO + " over the budget");
    options.put("range_test", range.test().toString() + ", method " + range.method().cliName());
    record.put("options", options).put("threads", threadCount).put("data", trainTest.train().source())
        .put("data_name", trainTest.train().name()).put("train_samples", trainTest.train().size())
        .put("test_samples", trainTest.test().size()).put("seconds", seconds);
    record.put("summary", BenchReport.summaries(all));
    record.put("results", BenchStore.GSON.toJsonTree(store.all()));
    record.write(out.resolve("bench.json"));
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
