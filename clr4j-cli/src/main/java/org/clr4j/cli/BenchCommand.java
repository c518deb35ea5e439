package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import org.clr4j.Checks;
import org.clr4j.data.DataSources;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.djl.train.CheckpointException;
import org.clr4j.djl.train.EpochResult;
import org.clr4j.djl.train.TrainingDivergedException;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.djl.train.TrainingResult;
import org.clr4j.reference.ReferenceModel;
import org.clr4j.reference.ReferenceRun;
import org.clr4j.reference.ReferenceTraining;
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
  /** The policies compared with the best fixed rate, in table order. */
  static final List<String> POLICIES = List.of("step", "triangular2", "exp_range", "triangular_decay", "onecycle");
  /** Step decay: lr × 0.1 after each third of the budget. */
  static final double STEP_GAMMA = 0.1;
  /** Triangular with decaying bounds: both bounds fall to this fraction of their start over the budget. */
  static final double DECAY_TO = 0.1;

  static final List<Double> DEFAULT_LRS = List.of(0.003, 0.01, 0.03, 0.1, 0.3);
  static final List<Double> QUICK_LRS = List.of(0.01, 0.03, 0.1);
  /** Default epoch budgets of the scheduled policies, chosen so that the default run fits 2.5 h on 2 cores. */
  static final Map<String, Integer> DEFAULT_EPOCHS = Map.of("mlp", 10, "cnn", 5);
  /** Default shorter 1cycle budgets: around a third of the fixed rate's ~20 epochs (mlp) and a fifth (cnn). */
  static final Map<String, List<Integer>> DEFAULT_ONECYCLE_EPOCHS = Map.of("mlp", List.of(4, 6, 8), "cnn",
      List.of(2, 3));
  /** Guesses of seconds per training step (batch 128, 2 cores, evaluation included) until one is measured. */
  static final Map<String, Double> PRIOR_SECONDS_PER_STEP = Map.of("mlp", 0.009, "cnn", 0.09);

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

  @Mixin FindCommand.RangeTestOptions range = new FindCommand.RangeTestOptions();

  /** A bench stopped by Ctrl-C: what finished is recorded; the same command resumes. */
  static final class Interrupted extends RuntimeException {
    Interrupted() {
      super("interrupted", null, false, false);
    }
  }

  // Resolved settings.
  private List<String> modelList;
  private List<Double> lrList;
  private int fixed;
  private Map<String, Integer> budget;
  private Map<String, List<Integer>> shorter;
  private List<Long> seedList;
  private int threadCount;
  private String dataKey;
  private TrainTest trainTest;
  private BenchStore store;
  private BenchProgress progress;
  private PrintWriter o;
  private int skipped;

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
    dataKey = trainTest.train().name() + " " + trainTest.train().size() + "/" + trainTest.test().size() + ", batch "
        + batchSize;
    Files.createDirectories(out);
    store = BenchStore.open(out);
    BenchPyTorch torch = pytorchRunner();
    int perEpoch = (int) Steps.perEpoch(trainTest.train().size(), batchSize);
    o.println("clr4j bench: " + String.join(", ", modelList) + " on " + trainTest.train().name() + " ("
        + trainTest.train().size() + " train / " + trainTest.test().size() + " test), batch " + batchSize + ", "
        + perEpoch + " steps/epoch, SGD momentum 0.9, weight decay 5e-4, " + threadCount + " thread(s)");
    o.println("fixed-rate grid " + fmtList(lrList) + " × " + fixed + " epochs (seed " + seedList.get(0)
        + "), then the best rate and " + String.join(", ", POLICIES) + " × seeds " + seedList + ", budget "
        + budget + " epochs, shorter 1cycle budgets " + shorter + (torch != null ? "; PyTorch 1cycle beside clr4j's"
            : ""));
    if (store.size() > 0) {
      o.println("resuming: " + store.size() + " finished configuration(s) recorded in " + store.file()
          + "; skipping those" + (store.unreadable() > 0 ? " (" + store.unreadable() + " unreadable line(s) ignored)"
              : ""));
    }
    o.println();
    o.flush();

    // Range tests first: each draws its own bar, which must not share the terminal with the overall one.
    Map<String, BenchReport.ModelRuns> runs = new LinkedHashMap<>();
    for (String model : modelList) {
      BenchReport.ModelRuns m = new BenchReport.ModelRuns(model);
      m.rangeTest = rangeTest(model, perEpoch);
      runs.put(model, m);
    }

    Map<String, Long> planned = new LinkedHashMap<>();
    int configurations = 0;
    for (String model : modelList) {
      int e = budget.get(model);
      long shorterEpochs = shorter.get(model).stream().mapToLong(Integer::longValue).sum();
      long epochsPlanned = (long) lrList.size() * fixed + (long) (seedList.size() - 1) * fixed
          + (long) POLICIES.size() * seedList.size() * e + shorterEpochs * seedList.size()
          + (torch != null ? (long) seedList.size() * e : 0);
      planned.put(model, epochsPlanned * perEpoch);
      configurations += lrList.size() + seedList.size() - 1 + POLICIES.size() * seedList.size()
          + shorter.get(model).size() * seedList.size() + (torch != null ? seedList.size() : 0);
    }
    Map<String, Double> prior = new LinkedHashMap<>();
    for (String model : modelList) {
      // The priors are for 2 cores; more threads help the cnn most.
      prior.put(model, PRIOR_SECONDS_PER_STEP.get(model) * batchSize / 128.0 * Math.min(1.0, 2.0 / threadCount));
    }
    try (BenchProgress bar = new BenchProgress(planned, prior, configurations)) {
      progress = bar;
      o.printf(Locale.ROOT, "plan: %d training configurations; estimated %s before any is measured%n%n",
          configurations, duration(bar.secondsLeft()));
      o.flush();
      for (String model : modelList) {
        benchModel(runs.get(model), perEpoch, torch);
      }
    } catch (Interrupted e) {
      o.println();
      o.println("interrupted: finished configurations are in " + store.file() + "; run the same command to resume");
      o.flush();
      return 130;
    }

    List<BenchReport.ModelRuns> all = new ArrayList<>(runs.values());
    String header = String.format(Locale.ROOT, "## clr4j bench: %s (%d train / %d test)%n%n"
        + "SGD momentum 0.9, weight decay 5e-4, batch %d; seeds %s; %d thread(s) of %d cores; clr4j %s on DJL's %s "
        + "engine; %s.%n"
        + "Target: the best fixed rate's best test accuracy (mean over seeds). Epochs and seconds to target: first "
        + "epoch reaching it (mean over the seeds that do), training time only. Speed-up: the fixed rate's epochs "
        + "to target ÷ the policy's.%n",
        trainTest.train().name(), trainTest.train().size(), trainTest.test().size(), batchSize, seedList,
        threadCount, Runtime.getRuntime().availableProcessors(), RunRecord.version(),
        RunRecord.environment().get("engine"), Instant.now().toString().substring(0, 10));
    String markdown = BenchReport.markdown(all, header);
    Files.writeString(out.resolve("summary.md"), markdown, StandardCharsets.UTF_8);
    BenchReport.writeSummaryCsv(all, out.resolve("summary.csv"));
    BenchReport.writeEpochCsv(store.all(), out.resolve("bench.csv"));
    for (BenchReport.ModelRuns m : all) {
      BenchReport.plot(m, out.resolve("accuracy-" + m.model + ".png"));
    }
    writeRecord(all, (System.nanoTime() - start) / 1e9);
    o.println();
    if (skipped > 0) {
      o.println("skipped " + skipped + " finished configuration(s) recorded in " + store.file());
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
      throw new IllegalArgumentException("--models must name at least one of " + ReferenceModel.names());
    }
    for (String m : modelList) {
      if (!Arrays.asList(ReferenceModel.names().split(", ")).contains(m)) {
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
        if (kv.length != 2 || !Arrays.asList(ReferenceModel.names().split(", ")).contains(m)) {
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

  private BenchStore.Result rangeTest(String model, int perEpoch) throws IOException {
    DataModelOptions common = options(model);
    common.validate();
    String id = String.join(" | ", "range_test", model, range.test().toString(), "method " + range.method().cliName(),
        "validation " + range.validation, "seed " + seed, dataKey);
    BenchStore.Result recorded = store.get(id);
    if (recorded != null) {
      skipped++;
      o.println(model + ": range test recorded: bounds " + Charts.fmt(recorded.lower) + " .. "
          + Charts.fmt(recorded.upper) + " (" + recorded.method + ")");
      return recorded;
    }
    o.println(model + ": range test");
    o.flush();
    FindCommand.Found found = range.run(common, trainTest, o);
    Bounds b = found.chosen().rounded(2);
    Path dir = out.resolve("range-" + model);
    Files.createDirectories(dir);
    found.write(dir, common, trainTest, b.oneCycle((long) perEpoch * budget.get(model)), "bench");
    BenchStore.Result r = new BenchStore.Result();
    r.id = id;
    r.kind = "range_test";
    r.model = model;
    r.policy = "range_test";
    r.schedule = range.test().toString();
    r.seed = seed;
    r.status = "completed";
    r.lower = b.lower();
    r.upper = b.upper();
    r.method = found.chosenSuggestion().method().cliName();
    r.note = found.chosenSuggestion().reason();
    r.wallSeconds = found.seconds();
    store.add(r);
    o.println();
    return r;
  }

  private void benchModel(BenchReport.ModelRuns m, int perEpoch, BenchPyTorch torch) throws IOException {
    String model = m.model;
    long first = seedList.get(0);
    for (double lr : lrList) {
      m.grid.add(trainClr4j(model, "fixed", constant(lr), lr, first, fixed));
    }
    BenchStore.Result best = m.grid.stream().filter(r -> "completed".equals(r.status))
        .max(Comparator.comparingDouble(BenchStore.Result::bestAccuracy)).orElseThrow(() -> new IllegalStateException(
            model + ": every fixed rate of the grid " + fmtList(lrList) + " diverged; give lower --lrs"));
    m.bestLr = best.lr;
    List<BenchStore.Result> fixedRuns = new ArrayList<>(List.of(best));
    for (long s : seedList.subList(1, seedList.size())) {
      fixedRuns.add(trainClr4j(model, "fixed", constant(best.lr), best.lr, s, fixed));
    }
    m.rows.put(BenchReport.fixedLabel(m), fixedRuns);
    int e = budget.get(model);
    long total = (long) perEpoch * e;
    Bounds bounds = new Bounds(m.rangeTest.lower, m.rangeTest.upper);
    Schedule oneCycle = null;
    for (String policy : POLICIES) {
      Schedule schedule = schedule(policy, bounds, best.lr, perEpoch, total);
      if (policy.equals("onecycle")) {
        oneCycle = schedule;
      }
      m.rows.put(label(policy), everySeed(model, policy, schedule, e));
    }
    for (int shortBudget : shorter.get(model)) {
      Schedule s = schedule("onecycle", bounds, best.lr, perEpoch, (long) perEpoch * shortBudget);
      m.rows.put(shorterLabel(shortBudget), everySeed(model, "onecycle", s, shortBudget));
    }
    if (torch != null) {
      Path idx = out.resolve("pytorch-data");
      BenchPyTorch.writeIdx(trainTest, idx);
      List<BenchStore.Result> list = new ArrayList<>();
      for (long s : seedList) {
        BenchStore.Result r = trainPyTorch(torch, model, oneCycle, s, e, perEpoch, idx);
        if (r != null) {
          list.add(r);
        }
      }
      if (!list.isEmpty()) {
        m.rows.put("pytorch 1cycle", list);
      }
    }
  }

  /** The table label of a shorter 1cycle budget. */
  static String shorterLabel(int epochs) {
    return label("onecycle") + ", " + epochs + (epochs == 1 ? " epoch" : " epochs");
  }

  static String label(String policy) {
    switch (policy) {
      case "step":
        return "step decay";
      case "triangular_decay":
        return "triangular + decay";
      case "onecycle":
        return "1cycle";
      default:
        return policy;
    }
  }

  private static Schedule constant(double lr) {
    return Schedule.parse("constant(lr=" + Checks.format(lr) + ")");
  }

  /**
   * A policy's schedule for a budget of {@code total} steps: step decay starts at the best fixed rate and falls
   * ×0.1 after each third; the cyclic policies and 1cycle use the range test's bounds as train --bounds does;
   * triangular + decay is triangular whose both bounds decay to 10 % of their start by the end (Smith 2017).
   */
  static Schedule schedule(String policy, Bounds bounds, double bestLr, long perEpoch, long total) {
    switch (policy) {
      case "step":
        return Schedule.parse("step(lr=" + Checks.format(bestLr) + ", every=" + Math.max(1, (total + 2) / 3)
            + ", gamma=" + Checks.format(STEP_GAMMA) + ")");
      case "triangular_decay": {
        String tri = FindCommand.PolicyChoice.schedule("triangular", bounds, perEpoch, total).toString();
        double decay = Math.pow(DECAY_TO, 1.0 / total);
        return Schedule.parse(tri.substring(0, tri.lastIndexOf(')')) + ", decay=" + decay + ")");
      }
      default:
        return FindCommand.PolicyChoice.schedule(policy, bounds, perEpoch, total);
    }
  }

  private String id(String kind, String model, String policy, Schedule schedule, long s, int e) {
    return String.join(" | ", kind, model, policy, schedule.toString(), "seed " + s, "epochs " + e, dataKey);
  }

  /** One scheduled policy trained with each seed, in seed order. */
  private List<BenchStore.Result> everySeed(String model, String policy, Schedule schedule, int epochs)
      throws IOException {
    List<BenchStore.Result> list = new ArrayList<>();
    for (long s : seedList) {
      list.add(trainClr4j(model, policy, schedule, null, s, epochs));
    }
    return list;
  }

  /** One clr4j configuration: the recorded result, or trained now (resuming its checkpoint) and recorded. */
  private BenchStore.Result trainClr4j(String model, String policy, Schedule schedule, Double lr, long s, int e)
      throws IOException {
    String id = id("clr4j", model, policy, schedule, s, e);
    int perEpoch = (int) Steps.perEpoch(trainTest.train().size(), batchSize);
    String what = model + " " + (lr != null ? "fixed lr " + Charts.fmt(lr) : label(policy)) + " seed " + s;
    BenchStore.Result recorded = store.get(id);
    if (recorded != null) {
      skipped++;
      progress.skipped(model, (long) perEpoch * e);
      return recorded;
    }
    progress.begin(what);
    Path ckpt = out.resolve("checkpoints").resolve(sha256(id).substring(0, 16));
    boolean resume = Files.exists(ckpt.resolve("checkpoint.clr4j"));
    ReferenceRun config = new ReferenceRun(ReferenceModel.fromName(model), batchSize, e, schedule,
        OptimizerConfig.defaults(OptimizerKind.SGD), s, Double.NaN, 1000, ckpt);
    List<EpochResult> epochs = new ArrayList<>();
    long[] reported = {-1};
    TrainingLoop.Listener listener = new TrainingLoop.Listener() {
      @Override
      public void onStep(long step, long totalSteps, double rate, double momentum, double loss) {
        if (reported[0] < 0) {
          reported[0] = step; // a resumed run starts part way; those steps were timed before
          progress.untimed(model, step);
        }
        if ((step + 1) % 10 == 0 || step + 1 == totalSteps) {
          progress.trained(model, step + 1 - reported[0], String.format(Locale.ROOT, "epoch %d/%d loss %.3f",
              step / perEpoch + 1, e, loss));
          reported[0] = step + 1;
        }
      }

      @Override
      public void onEpoch(EpochResult result) {
        epochs.add(result);
      }
    };
    long t0 = System.nanoTime();
    BenchStore.Result r = new BenchStore.Result();
    r.id = id;
    r.kind = "clr4j";
    r.model = model;
    r.policy = policy;
    r.schedule = schedule.toString();
    r.lr = lr;
    r.seed = s;
    r.epochs = e;
    TrainingResult result;
    try {
      try {
        result = new ReferenceTraining(config, trainTest, null, listener)
            .run(resume ? TrainingLoop.Resume.REQUIRED : TrainingLoop.Resume.NO);
      } catch (CheckpointException bad) {
        // A checkpoint that does not fit (e.g. left by another version): start the configuration afresh.
        o.println(what + ": " + bad.getMessage() + "; starting it again");
        deleteTree(ckpt);
        epochs.clear();
        result = new ReferenceTraining(config, trainTest, null, listener).run(TrainingLoop.Resume.NO);
      }
    } catch (TrainingDivergedException diverged) {
      r.status = "diverged";
      r.note = diverged.getMessage();
      for (EpochResult ep : epochs) {
        r.epochResults.add(epoch(ep));
      }
      r.wallSeconds = (System.nanoTime() - t0) / 1e9;
      progress.untimed(model, Math.max(0, (long) perEpoch * e - Math.max(0, reported[0])));
      store.add(r);
      deleteTree(ckpt);
      o.println("  " + what + ": diverged (" + diverged.getMessage() + ")");
      o.flush();
      return r;
    }
    if (result.status() == TrainingResult.Status.INTERRUPTED) {
      throw new Interrupted();
    }
    r.status = "completed";
    for (EpochResult ep : result.epochs()) {
      r.epochResults.add(epoch(ep));
    }
    r.samplesPerSecond = result.samplesPerSecond();
    r.trainSeconds = result.epochs().get(result.epochs().size() - 1).trainSeconds();
    r.wallSeconds = (System.nanoTime() - t0) / 1e9;
    store.add(r);
    deleteTree(ckpt);
    o.printf(Locale.ROOT, "  %-40s final %.2f%% (best %.2f%%), %.1f s training, %,.0f samples/s%n", what,
        100 * r.finalAccuracy(), 100 * r.bestAccuracy(), r.trainSeconds, r.samplesPerSecond);
    o.flush();
    return r;
  }

  private BenchStore.Result trainPyTorch(BenchPyTorch torch, String model, Schedule schedule, long s, int e,
      int perEpoch, Path idx) throws IOException {
    String id = id("pytorch", model, "onecycle", schedule, s, e);
    BenchStore.Result recorded = store.get(id);
    if (recorded != null) {
      skipped++;
      progress.skipped(model, (long) perEpoch * e);
      return recorded;
    }
    String what = model + " pytorch 1cycle seed " + s;
    progress.begin(what);
    long[] done = {0};
    Path dir = out.resolve("pytorch");
    long t0 = System.nanoTime();
    BenchStore.Result r;
    try {
      r = torch.train(model, schedule.toString(), s, e, batchSize, threadCount, idx,
          dir.resolve(model + "-onecycle-seed" + s + ".json"), dir.resolve(model + "-onecycle-seed" + s + ".log"),
          epoch -> {
            progress.trained(model, perEpoch, "epoch " + epoch + "/" + e);
            done[0] += perEpoch;
          });
    } catch (IOException failed) {
      progress.untimed(model, Math.max(0, (long) perEpoch * e - done[0]));
      o.println("  " + what + ": " + failed.getMessage());
      o.flush();
      return null;
    }
    progress.untimed(model, Math.max(0, (long) perEpoch * e - done[0]));
    r.id = id;
    r.model = model;
    r.policy = "onecycle";
    r.seed = s;
    r.wallSeconds = (System.nanoTime() - t0) / 1e9;
    store.add(r);
    o.printf(Locale.ROOT, "  %-40s final %.2f%% (best %.2f%%), %.1f s training, %,.0f samples/s%n", what,
        100 * r.finalAccuracy(), 100 * r.bestAccuracy(), r.trainSeconds, r.samplesPerSecond);
    o.flush();
    return r;
  }

  private static BenchStore.Epoch epoch(EpochResult e) {
    return new BenchStore.Epoch(e.epoch(), e.testAccuracy(), e.testLoss(), e.trainLoss(), e.trainSeconds(),
        e.samplesPerSecond());
  }

  private void writeRecord(List<BenchReport.ModelRuns> all, double seconds) throws IOException {
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
    options.put("step_decay", "lr × " + STEP_GAMMA + " after each third of the budget, from the best fixed rate");
    options.put("triangular_decay", "both bounds × " + DECAY_TO + " over the budget");
    options.put("range_test", range.test().toString() + ", method " + range.method().cliName());
    record.put("options", options).put("threads", threadCount).put("data", trainTest.train().source())
        .put("data_name", trainTest.train().name()).put("train_samples", trainTest.train().size())
        .put("test_samples", trainTest.test().size()).put("seconds", seconds);
    List<Map<String, Object>> summaries = new ArrayList<>();
    for (BenchReport.ModelRuns m : all) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("model", m.model);
      s.put("best_fixed_lr", m.bestLr);
      s.put("target_accuracy", BenchReport.target(m));
      if (m.rangeTest != null) {
        s.put("range_test_bounds", List.of(m.rangeTest.lower, m.rangeTest.upper));
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (BenchReport.Row r : BenchReport.rows(m)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("policy", r.label());
        row.put("framework", r.framework());
        row.put("schedule", r.schedule());
        row.put("epochs", r.epochs());
        row.put("seeds", r.seeds());
        row.put("diverged", r.diverged());
        row.put("seeds_reaching_target", r.reached());
        row.put("epochs_to_target", r.epochsToTarget());
        row.put("seconds_to_target", r.secondsToTarget());
        row.put("speedup_vs_fixed", r.speedup());
        row.put("final_accuracy_mean", r.accuracyMean());
        row.put("final_accuracy_sd", r.accuracySd());
        row.put("samples_per_second", r.samplesPerSecond());
        rows.add(row);
      }
      s.put("rows", rows);
      BenchReport.Row fastest = BenchReport.shortestOnecycle(BenchReport.rows(m));
      s.put("shortest_onecycle_budget_reaching_target", fastest == null ? "not reached" : fastest.epochs());
      String comparison = BenchReport.pytorchComparison(BenchReport.rows(m));
      if (comparison != null) {
        s.put("pytorch_comparison", comparison);
      }
      summaries.add(s);
    }
    record.put("summary", summaries);
    record.put("results", BenchStore.GSON.toJsonTree(store.all()));
    record.write(out.resolve("bench.json"));
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  private static String fmtList(List<Double> values) {
    return String.join(",", values.stream().map(Checks::format).toList());
  }

  private static String sha256(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
