package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.clr4j.Checks;
import org.clr4j.data.TrainTest;
import org.clr4j.tuning.WeightDecayChoice;
import org.clr4j.tuning.WeightDecaySearch;
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
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.Schedule;

/**
 * Runs one bench configuration at a time: a range test, a clr4j training run or a PyTorch one. A configuration
 * already in the store is skipped; a clr4j run continues from its checkpoint when an earlier bench was interrupted,
 * and one that diverges is recorded as such. Every finished configuration goes to the store at once.
 */
final class BenchRunner {
  /** Trains one configuration: the bench's one call into the training library (tests substitute it). */
  interface Training {
    TrainingResult run(ReferenceRun config, TrainingLoop.Listener listener, TrainTest data, boolean resume);
  }

  static final Training LIBRARY = (config, listener, data, resume) -> new ReferenceTraining(config, data, null,
      listener).run(resume ? TrainingLoop.Resume.REQUIRED : TrainingLoop.Resume.NO);

  /** The weight decay of every run unless the bench is told otherwise: the optimizer's default. */
  static final double DEFAULT_WEIGHT_DECAY = OptimizerConfig.defaults(OptimizerKind.SGD).weightDecay();

  /** The file a training run keeps its checkpoint in, inside its checkpoint directory. */
  static final String CHECKPOINT_FILE = TrainingLoop.CHECKPOINT_FILE_NAME;

  /** A bench stopped by Ctrl-C: what finished is recorded; the same command resumes. */
  static final class Interrupted extends RuntimeException {
    Interrupted() {
      super("interrupted", null, false, false);
    }
  }

  private final BenchStore store;
  private final Path out;
  private final PrintWriter o;
  private final TrainTest data;
  /** The data and batch size, part of every configuration's id: results of other data are not reused. */
  private final String dataKey;
  private final int batchSize;
  private final int stepsPerEpoch;
  private final int threads;
  private final Training training;
  private BenchProgress progress;
  private int skipped;

  BenchRunner(BenchStore store, Path out, PrintWriter o, TrainTest data, int batchSize, int threads,
      Training training) {
    this.store = store;
    this.out = out;
    this.o = o;
    this.data = data;
    this.dataKey = data.train().name() + " " + data.train().size() + "/" + data.test().size() + ", batch "
        + batchSize;
    this.batchSize = batchSize;
    this.stepsPerEpoch = stepsPerEpoch(data.train().size(), batchSize);
    this.threads = threads;
    this.training = training;
  }

  /** Training steps per epoch of {@code samples} training samples in batches of {@code batchSize}. */
  static int stepsPerEpoch(int samples, int batchSize) {
    return (int) Steps.perEpoch(samples, batchSize);
  }

  /** The overall progress bar the training runs report to; set once the range tests, which draw their own, are done. */
  void reportTo(BenchProgress bar) {
    progress = bar;
  }

  /** Configurations found in the store instead of run. */
  int skipped() {
    return skipped;
  }

  /** The range test of {@code model}: recorded, or run now (its files into OUT/range-MODEL/) and recorded. */
  BenchStore.Result rangeTest(String model, RangeTestOptions range, DataModelOptions common,
      long oneCycleSteps) throws IOException {
    common.validate();
    String id = String.join(" | ", BenchPolicy.RANGE_TEST.text(), model, range.test().toString(),
        "method " + range.method().cliName(), "validation " + range.validation, "seed " + common.seed, dataKey)
        + (range.repeats == 1 ? "" : " | repeats " + range.repeats); // one test: the id of benches before repeats
    BenchStore.Result recorded = store.get(id);
    if (recorded != null) {
      skipped++;
      o.println(model + ": range test recorded: bounds " + Charts.fmt(recorded.lower) + " .. "
          + Charts.fmt(recorded.upper) + " (" + recorded.method + ")");
      return recorded;
    }
    o.println(model + ": range test");
    o.flush();
    RangeTestOutcome found = range.run(common, data, o);
    Bounds b = found.chosen().rounded(2);
    Path dir = out.resolve("range-" + model);
    Files.createDirectories(dir);
    found.write(dir, common, data, b.oneCycle(oneCycleSteps), "bench");
    BenchStore.Result r = new BenchStore.Result().kind(BenchStore.Kind.RANGE_TEST).policy(BenchPolicy.RANGE_TEST)
        .status(BenchStore.Status.COMPLETED);
    r.id = id;
    r.model = model;
    r.schedule = range.test().toString();
    r.seed = common.seed;
    r.lower = b.lower();
    r.upper = b.upper();
    r.method = found.chosenSuggestion().method().cliName();
    r.note = found.chosenSuggestion().reason();
    r.wallSeconds = found.seconds();
    store.add(r);
    o.println();
    return r;
  }

  /**
   * The weight-decay search of {@code model} at {@code bounds} (--weight-decay auto): recorded, or run now (trials of
   * 1cycle between the bounds, docs/RANGE_TEST.md) and recorded; the result's {@code weightDecay} is the choice.
   */
  BenchStore.Result weightDecaySearch(String model, DataModelOptions common, Bounds bounds)
      throws IOException {
    common.validate();
    String id = String.join(" | ", BenchPolicy.WEIGHT_DECAY_SEARCH.text(), model, "onecycle " + bounds.lower() + ":"
        + bounds.upper(), "candidates " + WeightDecaySearch.defaults().candidates(), "trial epochs "
        + WeightDecayTuning.TRIAL_EPOCHS, "seed " + common.seed, dataKey);
    BenchStore.Result recorded = store.get(id);
    if (recorded != null) {
      skipped++;
      o.println(model + ": weight-decay search recorded: " + Checks.format(recorded.weightDecay) + " (" + recorded.note
          + ")");
      return recorded;
    }
    o.println(model + ": weight-decay search");
    WeightDecayChoice choice = WeightDecayTuning.run(common, data.train(), batchSize, "onecycle", bounds, o);
    BenchStore.Result r = new BenchStore.Result().kind(BenchStore.Kind.WEIGHT_DECAY_SEARCH)
        .policy(BenchPolicy.WEIGHT_DECAY_SEARCH).status(BenchStore.Status.COMPLETED);
    r.id = id;
    r.model = model;
    r.seed = common.seed;
    r.epochs = WeightDecayTuning.TRIAL_EPOCHS;
    r.weightDecay = choice.weightDecay();
    r.note = choice.reason();
    r.wallSeconds = choice.seconds();
    store.add(r);
    o.println();
    return r;
  }

  /** {@code schedule} trained with each seed, in seed order, at weight decay {@code weightDecay}. */
  List<BenchStore.Result> everySeed(String model, BenchPolicy policy, Schedule schedule, List<Long> seeds,
      int epochs, double weightDecay) throws IOException {
    List<BenchStore.Result> list = new ArrayList<>();
    for (long seed : seeds) {
      list.add(clr4j(model, policy, schedule, null, seed, epochs, weightDecay));
    }
    return list;
  }

  /** {@link #clr4j(String, BenchPolicy, Schedule, Double, long, int, double)} at the default weight decay. */
  BenchStore.Result clr4j(String model, BenchPolicy policy, Schedule schedule, Double lr, long seed, int epochs)
      throws IOException {
    return clr4j(model, policy, schedule, lr, seed, epochs, DEFAULT_WEIGHT_DECAY);
  }

  /**
   * One clr4j configuration: the recorded result, or trained now (from its checkpoint when there is one) and
   * recorded. {@code lr} is the rate of a fixed-rate run, else null.
   *
   * @throws Interrupted when Ctrl-C stopped the training (its checkpoint is kept for the next bench)
   */
  BenchStore.Result clr4j(String model, BenchPolicy policy, Schedule schedule, Double lr, long seed, int epochs,
      double weightDecay) throws IOException {
    String id = id(BenchStore.Kind.CLR4J, model, policy, schedule, seed, epochs, weightDecay);
    String what = model + " " + policy.label() + (lr == null ? "" : " lr " + Charts.fmt(lr)) + " seed " + seed;
    BenchStore.Result recorded = store.get(id);
    if (recorded != null) {
      skipped++;
      progress.skipped(model, (long) stepsPerEpoch * epochs);
      return recorded;
    }
    progress.begin(what);
    Path checkpoints = checkpointDir(id);
    boolean resume = Files.exists(checkpoints.resolve(CHECKPOINT_FILE));
    ReferenceRun config = config(model, policy.optimizer(), schedule, seed, epochs, checkpoints, weightDecay);
    Listener listener = new Listener(model, epochs);
    long t0 = System.nanoTime();
    BenchStore.Result r = new BenchStore.Result().kind(BenchStore.Kind.CLR4J).policy(policy);
    r.id = id;
    r.model = model;
    r.schedule = schedule.toString();
    r.lr = lr;
    r.seed = seed;
    r.epochs = epochs;
    r.weightDecay = storedWeightDecay(weightDecay);
    TrainingResult result;
    try {
      result = resume ? resume(config, listener, checkpoints, what) : training.run(config, listener, data, false);
    } catch (TrainingDivergedException diverged) {
      r.status(BenchStore.Status.DIVERGED);
      r.note = diverged.getMessage();
      for (EpochResult ep : listener.epochs) {
        r.epochResults.add(epoch(ep));
      }
      r.wallSeconds = (System.nanoTime() - t0) / 1e9;
      progress.untimed(model, Math.max(0, (long) stepsPerEpoch * epochs - Math.max(0, listener.reported)));
      store.add(r);
      deleteTree(checkpoints);
      o.println("  " + what + ": diverged (" + diverged.getMessage() + ")");
      o.flush();
      return r;
    }
    if (result.status() == TrainingResult.Status.INTERRUPTED) {
      throw new Interrupted();
    }
    r.status(BenchStore.Status.COMPLETED);
    for (EpochResult ep : result.epochs()) {
      r.epochResults.add(epoch(ep));
    }
    r.samplesPerSecond = result.samplesPerSecond();
    r.trainSeconds = result.epochs().get(result.epochs().size() - 1).trainSeconds();
    r.wallSeconds = (System.nanoTime() - t0) / 1e9;
    store.add(r);
    deleteTree(checkpoints);
    printFinished(what, r);
    return r;
  }

  /**
   * Continues a configuration from its checkpoint. A checkpoint the library rejects ({@link CheckpointException}:
   * missing, corrupt, or made with other settings or another version) is deleted and the configuration trained
   * from the start, saying so; every other error propagates and leaves the checkpoint in place.
   */
  private TrainingResult resume(ReferenceRun config, Listener listener, Path checkpoints, String what)
      throws IOException {
    try {
      return training.run(config, listener, data, true);
    } catch (CheckpointException e) {
      o.println("  " + what + ": checkpoint not resumed (" + e.getMessage() + "); training it from the start");
      o.flush();
      deleteTree(checkpoints);
      listener.epochs.clear();
      return training.run(config, listener, data, false);
    }
  }

  /** The training configuration of one clr4j run: the bench's one construction of the library's config. */
  private ReferenceRun config(String model, OptimizerKind kind, Schedule schedule, long seed, int epochs,
      Path checkpoints, double weightDecay) {
    return new ReferenceRun(ReferenceModel.fromName(model), batchSize, epochs, schedule,
        OptimizerConfig.defaults(kind).withWeightDecay(weightDecay), seed, Double.NaN, 1000, checkpoints);
  }

  /** What a result stores of its weight decay: null for the default, as results of earlier benches hold. */
  private static Double storedWeightDecay(double weightDecay) {
    return weightDecay == DEFAULT_WEIGHT_DECAY ? null : weightDecay;
  }

  /** The epochs finished so far (kept when a run diverges), and the progress bar fed every 10 steps. */
  private final class Listener implements TrainingLoop.Listener {
    final List<EpochResult> epochs = new ArrayList<>();
    final String model;
    final int totalEpochs;
    /** Steps counted on the progress bar so far, -1 before the first step. */
    long reported = -1;

    Listener(String model, int totalEpochs) {
      this.model = model;
      this.totalEpochs = totalEpochs;
    }

    @Override
    public void onStep(long step, long totalSteps, double rate, double momentum, double loss) {
      if (reported < 0) {
        reported = step; // a resumed run starts part way; those steps were timed before
        progress.untimed(model, step);
      }
      if ((step + 1) % 10 == 0 || step + 1 == totalSteps) {
        progress.trained(model, step + 1 - reported, String.format(Locale.ROOT, "epoch %d/%d loss %.3f",
            step / stepsPerEpoch + 1, totalEpochs, loss));
        reported = step + 1;
      }
    }

    @Override
    public void onEpoch(EpochResult result) {
      epochs.add(result);
    }
  }

  /**
   * PyTorch's 1cycle configuration: the recorded result, or trained now and recorded; null when the script failed
   * (its message is printed, and the bench goes on without it).
   */
  BenchStore.Result pytorch(BenchPyTorch torch, String model, Schedule schedule, long seed, int epochs, Path idx,
      double weightDecay) throws IOException {
    String id = id(BenchStore.Kind.PYTORCH, model, BenchPolicy.ONECYCLE, schedule, seed, epochs, weightDecay);
    BenchStore.Result recorded = store.get(id);
    if (recorded != null) {
      skipped++;
      progress.skipped(model, (long) stepsPerEpoch * epochs);
      return recorded;
    }
    String what = model + " pytorch 1cycle seed " + seed;
    progress.begin(what);
    long[] done = {0};
    Path dir = out.resolve("pytorch");
    long t0 = System.nanoTime();
    BenchStore.Result r;
    try {
      r = torch.train(model, schedule.toString(), seed, epochs, batchSize, threads, weightDecay, idx,
          dir.resolve(model + "-onecycle-seed" + seed + ".json"),
          dir.resolve(model + "-onecycle-seed" + seed + ".log"),
          epoch -> {
            progress.trained(model, stepsPerEpoch, "epoch " + epoch + "/" + epochs);
            done[0] += stepsPerEpoch;
          });
    } catch (IOException failed) {
      progress.untimed(model, Math.max(0, (long) stepsPerEpoch * epochs - done[0]));
      o.println("  " + what + ": " + failed.getMessage());
      o.flush();
      return null;
    }
    progress.untimed(model, Math.max(0, (long) stepsPerEpoch * epochs - done[0]));
    r.policy(BenchPolicy.ONECYCLE);
    r.id = id;
    r.model = model;
    r.seed = seed;
    r.weightDecay = storedWeightDecay(weightDecay);
    r.wallSeconds = (System.nanoTime() - t0) / 1e9;
    store.add(r);
    printFinished(what, r);
    return r;
  }

  /** Writes the data as the IDX files PyTorch's script reads, into OUT/pytorch-data/, and returns that folder. */
  Path pytorchData() throws IOException {
    Path idx = out.resolve("pytorch-data");
    BenchPyTorch.writeIdx(data, idx);
    return idx;
  }

  private void printFinished(String what, BenchStore.Result r) {
    o.printf(Locale.ROOT, "  %-40s final %.2f%% (best %.2f%%), %.1f s training, %,.0f samples/s%n", what,
        100 * r.finalAccuracy(), 100 * r.bestAccuracy(), r.trainSeconds, r.samplesPerSecond);
    o.flush();
  }

  /**
   * A training configuration's id: what it trains and on which data; equal ids are the same configuration. The
   * default weight decay is left out, so that results of benches before the weight decay could change still match.
   */
  private String id(BenchStore.Kind kind, String model, BenchPolicy policy, Schedule schedule, long seed,
      int epochs, double weightDecay) {
    return String.join(" | ", kind.text(), model, policy.text(), schedule.toString(), "seed " + seed,
        "epochs " + epochs, dataKey) + (weightDecay == DEFAULT_WEIGHT_DECAY ? ""
            : " | weight decay " + weightDecay);
  }

  /** Where the configuration {@code id} keeps its checkpoint until it finishes. */
  Path checkpointDir(String id) {
    return out.resolve("checkpoints").resolve(sha256(id).substring(0, 16));
  }

  /** The id of a clr4j configuration, as {@link #clr4j} stores it. */
  String clr4jId(String model, BenchPolicy policy, Schedule schedule, long seed, int epochs) {
    return id(BenchStore.Kind.CLR4J, model, policy, schedule, seed, epochs, DEFAULT_WEIGHT_DECAY);
  }

  private static BenchStore.Epoch epoch(EpochResult e) {
    return new BenchStore.Epoch(e.epoch(), e.testAccuracy(), e.testLoss(), e.trainLoss(), e.trainSeconds(),
        e.samplesPerSecond());
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
