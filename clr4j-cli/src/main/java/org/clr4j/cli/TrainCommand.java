package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
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
import org.clr4j.data.TrainTest;
import org.clr4j.djl.Steps;
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
            + "loss.png, accuracy.png. Checkpoints after every epoch and on Ctrl-C; continue with --resume."})
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

  @Mixin FindCommand.RangeTestOptions range = new FindCommand.RangeTestOptions();

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
    Path ckpt = noCheckpoint ? null : (checkpointDir != null ? checkpointDir : out.resolve("checkpoint"));
    Path savedSpec = ckpt == null ? null : ckpt.resolve("schedule.txt");
    if (schedule == null) {
      FindCommand.PolicyChoice.check(policy);
    }
    Schedule explicit = schedule == null ? null : Schedule.parse(schedule);
    // Parsed before the data is loaded, so a malformed value fails fast.
    Bounds given = explicit == null && !"auto".equals(bounds) ? parseBounds(bounds) : null;
    TrainTest data = common.load();
    PrintWriter o = spec.commandLine().getOut();
    o.println("data:  " + data.train());
    o.println("model: " + common.model + ", optimizer " + common.optimizerConfig() + ", batch " + common.batchSize
        + ", seed " + common.seed + ", " + common.threads() + " thread(s)");
    long perEpoch = Steps.perEpoch(data.train().size(), common.batchSize);
    long totalSteps = perEpoch * epochs;
    Files.createDirectories(out);
    FindCommand.Found found = null;
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
      chosen = FindCommand.PolicyChoice.schedule(policy, found.chosen(), perEpoch, totalSteps);
      found.write(out, common, data, chosen, "train --bounds auto");
    } else {
      chosen = FindCommand.PolicyChoice.schedule(policy, given, perEpoch, totalSteps);
    }
    o.println("schedule: " + chosen);
    o.println();
    if (ckpt != null && !resume) {
      Files.createDirectories(ckpt);
      Files.writeString(savedSpec, chosen + "\n");
    }
    ReferenceRun config = new ReferenceRun(common.referenceModel(), common.batchSize, epochs, chosen,
        common.optimizerConfig(), common.seed, targetAccuracy == null ? Double.NaN : targetAccuracy, evalBatchSize,
        ckpt);
    TrainingResult result;
    o.printf("%5s %10s %10s %9s %9s %10s%n", "epoch", "train loss", "test loss", "accuracy", "seconds", "samples/s");
    o.flush();
    // Ctrl-C / SIGTERM: the loop stops after its step and checkpoints; the JVM waits until this command has
    // written its outputs and said where it stopped.
    Interrupts.Scope signals = Interrupts.install();
    try (signals; Progress bar = new Progress("train", totalSteps, "steps")) {
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
      signals.onSignal(training::requestStop);
      result = training.run(resume ? TrainingLoop.Resume.REQUIRED : TrainingLoop.Resume.NO);
      bar.close();
      o.println();
      summary(o, result);
      writeOutputs(result, data, found);
      o.println("wrote " + out.resolve("run.json") + ", steps.csv, epochs.csv, lr.png, loss.png, accuracy.png");
      if (result.status() == TrainingResult.Status.INTERRUPTED) {
        o.println("interrupted at step " + result.steps().size() + "; continue with the same command and --resume");
      }
      o.flush();
    }
    return 0;
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

  private void writeOutputs(TrainingResult r, TrainTest data, FindCommand.Found found) throws IOException {
    try (Writer w = Files.newBufferedWriter(out.resolve("steps.csv"), StandardCharsets.UTF_8)) {
      r.steps().writeCsv(w);
    }
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
    Files.writeString(out.resolve("epochs.csv"), epochsCsv, StandardCharsets.UTF_8);
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
    if (r.targetEpoch() > 0) {
      record.put("target_accuracy", c.targetAccuracy()).put("target_epoch", r.targetEpoch())
          .put("target_seconds", r.targetSeconds());
    }
    record.write(out.resolve("run.json"));
    plots(r, out, common.model + ": " + c.schedule());
  }

  /** lr and momentum against step, training loss against step, test accuracy against epoch. */
  static void plots(TrainingResult r, Path dir, String title) throws IOException {
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
    Charts.save(lrChart, dir.resolve("lr.png"));
    XYChart lossChart = Charts.chart("Training loss — " + title, "step", "loss");
    Charts.line(lossChart, "mini-batch loss", step, loss, new java.awt.Color(0xA6C8E6), 0);
    Charts.line(lossChart, "moving average (50 steps)", step, movingAverage(loss, 50), Charts.PALETTE[0], 0);
    Charts.save(lossChart, dir.resolve("loss.png"));
    if (!r.epochs().isEmpty()) {
      XYChart acc = Charts.chart("Test accuracy — " + title, "epoch", "accuracy");
      double[] ep = r.epochs().stream().mapToDouble(EpochResult::epoch).toArray();
      double[] a = r.epochs().stream().mapToDouble(EpochResult::testAccuracy).toArray();
      acc.addSeries("test accuracy", ep, a).setLineColor(Charts.PALETTE[2]);
      Charts.save(acc, dir.resolve("accuracy.png"));
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
