package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.clr4j.Checks;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.tuning.WeightDecayChoice;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.djl.train.CheckpointException;
import org.clr4j.djl.train.EpochResult;
import org.clr4j.djl.train.TrainingConfig;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.djl.train.TrainingResult;
import org.clr4j.reference.ReferenceRun;
import org.clr4j.reference.ReferenceTraining;
import org.clr4j.reference.RunRecord;
import org.clr4j.rangetest.Bounds;
import org.clr4j.schedule.Schedule;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code clr4j train}: trains a reference model with a cyclical or 1cycle schedule. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Trains mlp or cnn with a cyclical or 1cycle schedule. Give a schedule spec (--schedule), or a policy and "
            + "bounds (--policy, --bounds auto runs the range test first and shows what it chose).",
        "",
        "Writes to --out: run.json (run record), steps.csv (lr, momentum, loss per step), epochs.csv, lr.png, "
            + "loss.png, accuracy.png. Checkpoints after every epoch and on Ctrl-C; continue with --resume.",
        "",
        "--out and --checkpoint-dir belong to one run at a time. An earlier run in them is continued with --resume "
            + "or replaced with --overwrite; without either, train refuses to touch it."},
    footer = {"", Clr4j.EXIT_CODES})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataModelOptions common = new DataModelOptions();

  @Option(names = "--schedule", paramLabel = "SPEC",
      description = "A schedule spec, e.g. 'onecycle(max=0.1, total=938)' (see docs/SPEC.md). Overrides --policy.")
  String schedule;

  @Option(names = "--policy", paramLabel = "P", defaultValue = "onecycle",
      description = "onecycle, triangular, triangular2 or exp_range, between --bounds. Default: ${DEFAULT-VALUE}.")
  String policy;

  @Option(names = "--bounds", paramLabel = "auto|MIN:MAX", defaultValue = "auto",
      description = "Learning-rate bounds for --policy: 'auto' runs the range test first. Default: ${DEFAULT-VALUE}.")
  String bounds;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--target-acc", paramLabel = "A",
      description = "Stop at the end of the first epoch whose test accuracy reaches A (a fraction, e.g. 0.91) and "
          + "record the time to reach it.")
  Double targetAccuracy;

  @Option(names = "--eval-batch-size", paramLabel = "N", defaultValue = "1000",
      description = "Default: ${DEFAULT-VALUE}.")
  int evalBatchSize;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "clr4j-train",
      description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Where checkpoints go. Default: OUT/checkpoint.")
  Path checkpointDir;

  @Option(names = "--no-checkpoint", description = "Write no checkpoints.")
  boolean noCheckpoint;

  @Option(names = "--resume", description = "Continue from the checkpoint in --checkpoint-dir at its exact step; "
      + "the schedule is the one the checkpoint was made with.")
  boolean resume;

  @Option(names = "--overwrite", description = "Start over: replace the results and the checkpoint of an earlier run "
      + "in --out and --checkpoint-dir (without it, train refuses to touch them).")
  boolean overwrite;

  @Mixin RangeTestOptions range = new RangeTestOptions();

  /** What a run leaves in --out; run.json, the run record, is written last. */
  static final String[] RESULTS = {"steps.csv", "epochs.csv", "lr.png", "loss.png", "accuracy.png",
      "range-test.csv", "range-test.png", "range-test.json", "run.json"};
  /** The checkpoint's file (the library's name) and the schedule it was made with. */
  static final String CHECKPOINT = TrainingLoop.CHECKPOINT_FILE_NAME;
  static final String SAVED_SPEC = "schedule.txt";
  /** The weight decay --weight-decay auto chose, beside the checkpoint, for --resume. */
  static final String SAVED_WEIGHT_DECAY = "weight-decay.txt";

  @Override
  public Integer call() throws IOException {
    common.validate();
    Checks.atLeast("--epochs", epochs, 1);
    Checks.atLeast("--eval-batch-size", evalBatchSize, 1);
    if (targetAccuracy != null && !(targetAccuracy > 0 && targetAccuracy <= 1)) {
      throw new IllegalArgumentException("--target-acc (" + targetAccuracy + ") must be a fraction in (0, 1], "
          + "e.g. 0.91");
    }
    if (resume && noCheckpoint) {
      throw new IllegalArgumentException("--resume needs checkpoints; drop --no-checkpoint");
    }
    if (resume && overwrite) {
      throw new IllegalArgumentException("--resume continues the earlier run and --overwrite replaces it; choose one");
    }
    RunDirectory.requireUsable("--out", out);
    if (checkpointDir != null) {
      RunDirectory.requireUsable("--checkpoint-dir", checkpointDir);
    }
    Path ckpt = noCheckpoint ? null : (checkpointDir != null ? checkpointDir : out.resolve("checkpoint"));
    Path savedSpec = ckpt == null ? null : ckpt.resolve(SAVED_SPEC);
    // Every option is checked, also one that --schedule or --resume makes unused: a bad value is a typo either way.
    PolicyChoice.check(policy);
    range.validate();
    Schedule explicit = schedule == null ? null : Schedule.parse(schedule);
    OptimizerKind kind = common.optimizerConfig().kind();
    // Checked before any work: Schedule-Free fixes its interpolation weight, so no policy's cycled momentum fits; with
    // --bounds auto the range test chooses its constant rate (PolicyChoice.scheduleFree).
    if (kind.scheduleFree() && explicit != null && explicit.hasMomentum()) {
      throw new IllegalArgumentException("--optimizer " + kind.specName() + " needs a --schedule without cycled"
          + " momentum, e.g. 'warmup(steps=500, then=constant(lr=0.5))' (" + schedule + " cycles momentum)");
    }
    if (kind.scheduleFree() && explicit == null && !"auto".equals(bounds) && !resume) {
      throw new IllegalArgumentException("--optimizer " + kind.specName() + " trains at a constant rate after a "
          + "warm-up, which --bounds " + bounds + " does not give: use --bounds auto (the range test chooses the "
          + "rate) or a --schedule such as 'warmup(steps=500, then=constant(lr=0.5))'");
    }
    if (common.autoWeightDecay() && explicit != null && !resume) {
      throw new IllegalArgumentException("--weight-decay auto tries its values with --policy between --bounds; drop "
          + "--schedule or give a number");
    }
    // Parsed before the data is loaded, so a malformed value fails fast.
    Bounds given = !"auto".equals(bounds) ? parseBounds(bounds) : null;
    if (resume && !Files.exists(ckpt.resolve(CHECKPOINT))) {
      // Refused before the directories are locked (or created); checked again under the lock.
      throw noCheckpoint(ckpt);
    }
    TrainTest data = common.load();
    // Both directories belong to this run until it ends: a second run on either is refused at once.
    try (RunDirectory outDir = RunDirectory.lock("--out", out);
        RunDirectory ckptDir = ckpt == null || sameDirectory(ckpt, out) ? null
            : RunDirectory.lock("--checkpoint-dir", ckpt)) {
      keepOrReplace(outDir, ckptDir == null ? outDir : ckptDir, ckpt != null);
      return train(data, ckpt, savedSpec, explicit, given);
    }
  }

  /**
   * An earlier run's results and checkpoint are continued with --resume, replaced with --overwrite, and otherwise
   * left alone: the run is refused (bad input, exit 2) before it changes anything.
   */
  private void keepOrReplace(RunDirectory outDir, RunDirectory ckptDir, boolean checkpoints) throws IOException {
    String ckptName = checkpointDir != null ? "--checkpoint-dir" : "the checkpoint directory";
    if (resume) {
      if (ckptDir.existing(CHECKPOINT).isEmpty()) {
        throw noCheckpoint(ckptDir.dir());
      }
      return;
    }
    if (!overwrite) {
      outDir.refuseExisting(false, "the results of an earlier run",
          "continue it with --resume, start over with --overwrite, or choose another --out", RESULTS);
      if (checkpoints && !ckptDir.existing(CHECKPOINT).isEmpty()) {
        throw new IllegalArgumentException(ckptName + " (" + ckptDir.dir() + ") holds the checkpoint of an earlier "
            + "run; continue it with --resume or start over with --overwrite");
      }
      return;
    }
    // --overwrite: the earlier run goes now, so that nothing of it is left beside this run's files if this one fails.
    outDir.delete(RESULTS);
    if (checkpoints) {
      ckptDir.delete(CHECKPOINT, SAVED_SPEC, SAVED_WEIGHT_DECAY);
    }
  }

  private IllegalArgumentException noCheckpoint(Path dir) {
    return new IllegalArgumentException("--resume: " + (checkpointDir != null ? "--checkpoint-dir"
        : "the checkpoint directory") + " (" + dir + ") holds no checkpoint (" + CHECKPOINT + "); drop --resume to "
        + "start a new run");
  }

  private static boolean sameDirectory(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private Integer train(TrainTest data, Path ckpt, Path savedSpec, Schedule explicit, Bounds given)
      throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    o.println("data:  " + data.train());
    int batch = common.batchSize(data, o);
    o.println("model: " + common.model + ", optimizer " + common.optimizerConfig() + ", batch " + batch
        + ", seed " + common.seed + ", " + common.threads() + " thread(s)");
    long perEpoch = Steps.perEpoch(data.train().size(), batch);
    long totalSteps = perEpoch * epochs;
    // Until training starts nothing is saved: a signal during the range test or the weight-decay search says so.
    NoteOnSignal beforeTraining = NoteOnSignal.install(spec.commandLine().getErr(), "clr4j: interrupted before "
        + "training started (range test or weight-decay search): nothing was saved; run the command again");
    whenDone(beforeTraining::close);
    RangeTestOutcome found = null;
    Bounds lrBounds = given;
    Schedule chosen;
    if (resume && explicit == null) {
      if (!Files.exists(savedSpec)) {
        throw new IllegalArgumentException("--resume: no checkpoint in " + ckpt + " (missing " + savedSpec + ")");
      }
      chosen = Schedule.parse(Files.readString(savedSpec).strip());
      o.println("resuming with the checkpoint's schedule");
    } else if (explicit != null) {
      chosen = explicit;
    } else if ("auto".equals(bounds)) {
      found = range.run(common, data, o);
      lrBounds = found.chosen();
      OptimizerKind kind = common.optimizerConfig().kind();
      chosen = PolicyChoice.schedule(kind, policy, lrBounds, perEpoch, totalSteps);
      if (kind.scheduleFree()) {
        o.println(PolicyChoice.SF_RULE + " (docs/RANGE_TEST.md)");
      }
    } else {
      chosen = PolicyChoice.schedule(policy, given, perEpoch, totalSteps);
    }
    WeightDecayChoice wd = null;
    OptimizerConfig optimizer = common.optimizerConfig();
    if (common.autoWeightDecay()) {
      Path savedWd = ckpt == null ? null : ckpt.resolve(SAVED_WEIGHT_DECAY);
      if (resume) {
        if (!Files.exists(savedWd)) {
          throw new IllegalArgumentException("--resume with --weight-decay auto: the checkpoint in " + ckpt + " was "
              + "made with a weight decay given as a number (no " + SAVED_WEIGHT_DECAY + "); give it with "
              + "--weight-decay");
        }
        optimizer = optimizer.withWeightDecay(Double.parseDouble(Files.readString(savedWd).strip()));
        o.println("resuming with the checkpoint's weight decay " + Checks.format(optimizer.weightDecay()));
      } else {
        wd = WeightDecayTuning.run(common, data.train(), batch, policy, lrBounds, o);
        optimizer = optimizer.withWeightDecay(wd.weightDecay());
        if (savedWd != null) {
          Outputs.writeString(savedWd, wd.weightDecay() + "\n");
        }
      }
    }
    o.println("schedule: " + chosen);
    if (chosen.endStep() < totalSteps) {
      // Not an error (a short schedule may be meant), but never silent: the rest of the run is at the final rate.
      o.println("note: the schedule ends at step " + chosen.endStep() + " of the run's " + totalSteps + " steps; the "
          + "remaining " + (totalSteps - chosen.endStep()) + " train at its final lr " + Charts.fmt(chosen.valueAt(
          chosen.endStep())) + " (a total= of " + totalSteps + " would span the run)");
    }
    o.println();
    if (ckpt != null && !resume) {
      Outputs.writeString(savedSpec, chosen + "\n");
    }
    // An evaluation batch larger than the test set would only allocate a larger buffer.
    int evalBatch = Math.min(evalBatchSize, Math.max(1, data.test().size()));
    ReferenceRun config = new ReferenceRun(common.referenceModel(), batch, epochs, chosen,
        optimizer, common.seed, targetAccuracy == null ? Double.NaN : targetAccuracy, evalBatch,
        ckpt);
    TrainingResult result;
    o.printf("%5s %10s %10s %9s %9s %10s%n", "epoch", "train loss", "test loss", "accuracy", "seconds", "samples/s");
    o.flush();
    try (Progress bar = new Progress("train", totalSteps, "steps")) {
      double[] lastAcc = {Double.NaN};
      ReferenceTraining training = new ReferenceTraining(config, data, common.device(), new TrainingLoop.Listener() {
        @Override
        public void onStep(long step, long total, double lr, double momentum, double loss) {
          if (step % 5 == 0 || step == total - 1) {
            bar.stepTo(step + 1, String.format(Locale.ROOT, "lr %.2e loss %.3f%s", lr, loss,
                Double.isNaN(lastAcc[0]) ? "" : String.format(Locale.ROOT, " acc %.4f", lastAcc[0])));
          }
        }

        @Override
        public void onEpoch(EpochResult e) {
          lastAcc[0] = e.testAccuracy();
          o.printf(Locale.ROOT, "%5d %10.4f %10.4f %8.2f%% %9.1f %10.0f%n", e.epoch(), e.trainLoss(), e.testLoss(),
              100 * e.testAccuracy(), e.trainSeconds(), e.samplesPerSecond());
          o.flush();
        }
      });
      // Ctrl-C / SIGTERM stop the loop after its step; the hook then waits until this command has written its
      // outputs and printed, which happens when the whole command returns (Clr4j.execute runs whenDone).
      beforeTraining.close();
      StopOnSignal stop = StopOnSignal.install(training::requestStop);
      whenDone(stop::release);
      try {
        result = training.run(resume ? TrainingLoop.Resume.REQUIRED : TrainingLoop.Resume.NO);
      } catch (CheckpointException.Mismatch e) {
        if (e.key().equals("optimizer") && !e.saved().contains("update=fused")
            && e.wanted().contains("update=fused")) {
          // A checkpoint from before sgd's fused update path became the default: say how to resume it.
          throw new IllegalArgumentException(e.getMessage() + "; add --update reference to resume it", e);
        }
        throw e;
      }
    }
    o.println();
    summary(o, result);
    writeOutputs(result, data, found, wd);
    o.println("wrote " + out.resolve("run.json") + ", steps.csv, epochs.csv, lr.png, loss.png, accuracy.png"
        + (found != null ? ", range-test.csv, range-test.json, range-test.png" : "")
        + (wd != null ? ", weight-decay.csv" : ""));
    if (result.status() == TrainingResult.Status.INTERRUPTED) {
      o.println("interrupted at step " + result.steps().size() + "; continue with the same command and --resume");
      o.flush();
      return Clr4j.EXIT_INTERRUPTED;
    }
    o.flush();
    return 0;
  }

  /** Runs {@code r} when the command has finished and its output is flushed (at once, outside the CLI). */
  private void whenDone(Runnable r) {
    Object root = spec.root().userObject();
    if (root instanceof Clr4j c) {
      c.whenDone.add(r);
    } else {
      r.run();
    }
  }

  static Bounds parseBounds(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("--bounds (" + text + ") must be 'auto' or MIN:MAX, e.g. 0.005:0.1");
    }
    try {
      return new Bounds(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--bounds (" + text + ") must be 'auto' or MIN:MAX of numbers, e.g. 0.005:0.1");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--bounds (" + text + "): " + e.getMessage());
    }
  }

  private static void summary(PrintWriter o, TrainingResult r) {
    o.printf(Locale.ROOT, "final test accuracy %.2f%% (best %.2f%%), %d steps, %.0f samples/s, %s%n",
        100 * r.finalAccuracy(), 100 * r.bestAccuracy(), r.steps().size(), r.samplesPerSecond(),
        r.status().toString().toLowerCase(Locale.ROOT).replace('_', ' '));
    if (r.targetEpoch() > 0) {
      o.printf(Locale.ROOT, "target accuracy %.2f%% reached at epoch %d after %.1f s of training%n",
          100 * r.config().targetAccuracy(), r.targetEpoch(), r.targetSeconds());
    }
  }

  /** Writes every output of the run, whole or not at all; run.json, the record that the run finished, last. */
  private void writeOutputs(TrainingResult r, TrainTest data, RangeTestOutcome found, WeightDecayChoice wd)
      throws IOException {
    try (Outputs outputs = new Outputs(out)) {
      outputs.stageText("steps.csv", w -> r.steps().writeCsv(w));
      if (wd != null) {
        outputs.stageText("weight-decay.csv", w -> WeightDecayTuning.csv(wd, w));
      }
      stageOutputs(outputs, r, data, found, wd);
      outputs.commit();
    }
  }

  private void stageOutputs(Outputs outputs, TrainingResult r, TrainTest data, RangeTestOutcome found,
      WeightDecayChoice wd) throws IOException {
    StringBuilder epochsCsv = new StringBuilder("epoch,steps,train_loss,test_loss,test_accuracy,train_seconds,"
        + "samples_per_second\n");
    List<Map<String, Object>> epochList = new ArrayList<>();
    for (EpochResult e : r.epochs()) {
      epochsCsv.append(e.epoch()).append(',').append(e.steps()).append(',').append(e.trainLoss()).append(',')
          .append(e.testLoss()).append(',').append(e.testAccuracy()).append(',').append(e.trainSeconds())
          .append(',').append(e.samplesPerSecond()).append('\n');
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", e.epoch());
      m.put("test_accuracy", e.testAccuracy());
      m.put("test_loss", e.testLoss());
      m.put("train_loss", e.trainLoss());
      m.put("train_seconds", e.trainSeconds());
      m.put("samples_per_second", e.samplesPerSecond());
      epochList.add(m);
    }
    outputs.stage("epochs.csv", os -> os.write(epochsCsv.toString().getBytes(StandardCharsets.UTF_8)));
    RunRecord record = RunRecord.of("train");
    TrainingConfig c = r.config();
    record.put("schedule", c.schedule().toString()).put("seed", c.seed()).put("model", common.model)
        .put("optimizer", c.optimizer().toString()).put("batch_size", c.batchSize()).put("epochs", c.epochs())
        .put("threads", common.threads()).put("data", data.train().source()).put("data_name", data.train().name())
        .put("train_samples", data.train().size()).put("test_samples", data.test().size())
        .put("status", r.status().toString()).put("final_accuracy", r.finalAccuracy())
        .put("best_accuracy", r.bestAccuracy()).put("samples_per_second", r.samplesPerSecond())
        .put("epoch_results", epochList);
    if (found != null) {
      record.put("range_test", Map.of("method", found.chosenSuggestion().method().cliName(), "lower",
          found.chosen().lower(), "upper", found.chosen().upper(), "reason", found.chosenSuggestion().reason(),
          "seconds", found.seconds()));
    }
    if (wd != null) {
      record.put("weight_decay_search", WeightDecayTuning.record(wd));
    }
    if (r.targetEpoch() > 0) {
      record.put("target_accuracy", c.targetAccuracy()).put("target_epoch", r.targetEpoch())
          .put("target_seconds", r.targetSeconds());
    }
    plots(r, outputs, common.model + ": " + c.schedule());
    if (found != null) {
      found.stage(outputs, common, data, c.schedule(), "train --bounds auto");
    }
    String json = record.toJson() + "\n";
    outputs.stage("run.json", os -> os.write(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** lr and momentum against step, training loss against step, test accuracy against epoch. */
  static void plots(TrainingResult r, Path dir, String title) throws IOException {
    try (Outputs outputs = new Outputs(dir)) {
      plots(r, outputs, title);
      outputs.commit();
    }
  }

  /** The same charts, staged in {@code outputs}. */
  static void plots(TrainingResult r, Outputs outputs, String title) throws IOException {
    int n = r.steps().size();
    if (n == 0) {
      return;
    }
    double[] step = new double[n];
    double[] lr = new double[n];
    double[] loss = new double[n];
    List<Double> mStep = new ArrayList<>();
    List<Double> mom = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      step[i] = i;
      lr[i] = r.steps().lr(i);
      loss[i] = r.steps().loss(i);
      if (!Double.isNaN(r.steps().momentum(i))) {
        mStep.add((double) i);
        mom.add(r.steps().momentum(i));
      }
    }
    XYChart lrChart = Charts.chart("Schedule — " + title, "step", "learning rate");
    Charts.line(lrChart, "lr", step, lr, Charts.PALETTE[0], 0);
    if (!mom.isEmpty()) {
      Charts.line(lrChart, "momentum", mStep.stream().mapToDouble(d -> d).toArray(),
          mom.stream().mapToDouble(d -> d).toArray(), Charts.PALETTE[1], 1);
      lrChart.setYAxisGroupTitle(1, "momentum");
      lrChart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
    }
    Charts.stage(lrChart, outputs, "lr.png");
    XYChart lossChart = Charts.chart("Training loss — " + title, "step", "loss");
    Charts.line(lossChart, "mini-batch loss", step, loss, new java.awt.Color(0xA6C8E6), 0);
    Charts.line(lossChart, "moving average (50 steps)", step, movingAverage(loss, 50), Charts.PALETTE[0], 0);
    Charts.stage(lossChart, outputs, "loss.png");
    if (!r.epochs().isEmpty()) {
      XYChart acc = Charts.chart("Test accuracy — " + title, "epoch", "accuracy");
      double[] ep = r.epochs().stream().mapToDouble(EpochResult::epoch).toArray();
      double[] a = r.epochs().stream().mapToDouble(EpochResult::testAccuracy).toArray();
      acc.addSeries("test accuracy", ep, a).setLineColor(Charts.PALETTE[2]);
      Charts.stage(acc, outputs, "accuracy.png");
    }
  }

  static double[] movingAverage(double[] v, int window) {
    double[] out = new double[v.length];
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      sum += v[i];
      if (i >= window) {
        sum -= v[i - window];
      }
      out[i] = sum / Math.min(i + 1, window);
    }
    return out;
  }
}
