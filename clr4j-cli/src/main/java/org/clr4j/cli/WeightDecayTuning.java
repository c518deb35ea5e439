package org.clr4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.clr4j.Checks;
import org.clr4j.data.Dataset;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.rangetest.Bounds;
import org.clr4j.reference.ReferenceRun;
import org.clr4j.reference.ReferenceWeightDecaySearch;
import org.clr4j.schedule.Schedule;
import org.clr4j.tuning.WeightDecayChoice;
import org.clr4j.tuning.WeightDecaySearch;
import org.clr4j.tuning.WeightDecayTrial;

/**
 * --weight-decay auto for the commands: the library's weight-decay search on the command's reference model, with a
 * progress bar, a line per trial and the choice with its reason; {@link #csv} is what weight-decay.csv holds.
 *
 * <p>Each trial is the command's policy between the given bounds, over {@link #TRIAL_EPOCHS} epoch(s) of the training
 * data less {@link ReferenceWeightDecaySearch#DEFAULT_HELD_OUT held-out} samples, scored on those samples.
 */
final class WeightDecayTuning {
  /** Epochs of each trial (docs/RANGE_TEST.md, "Automatic weight decay"). */
  static final int TRIAL_EPOCHS = 1;

  private WeightDecayTuning() {}

  /**
   * Runs the default search for {@code model} trained by {@code common}'s options at batch {@code batch} with
   * {@code policy} between {@code bounds}, and prints what it chose.
   */
  static WeightDecayChoice run(DataModelOptions common, Dataset train, int batch, String policy, Bounds bounds,
      PrintWriter o) {
    WeightDecaySearch search = WeightDecaySearch.defaults();
    int heldOut = ReferenceWeightDecaySearch.heldOut(train.size(), ReferenceWeightDecaySearch.DEFAULT_HELD_OUT);
    long perEpoch = ReferenceWeightDecaySearch.trialStepsPerEpoch(train.size(), heldOut, batch);
    long trialSteps = perEpoch * TRIAL_EPOCHS;
    Schedule schedule = PolicyChoice.schedule(policy, bounds, perEpoch, trialSteps);
    ReferenceRun run = new ReferenceRun(common.referenceModel(), batch, TRIAL_EPOCHS, schedule,
        common.optimizerConfig(), common.seed, Double.NaN, 1000, null);
    o.println("weight decay: " + search.trials() + " short runs (" + TRIAL_EPOCHS + " epoch of "
        + (train.size() - heldOut) + " samples each, " + policy + " " + Charts.fmt(bounds.lower()) + "–"
        + Charts.fmt(bounds.upper()) + ") at " + BenchPlan.formatList(search.candidates()) + ", scored on "
        + heldOut + " held-out training samples");
    o.flush();
    long total = trialSteps * search.trials();
    WeightDecayChoice choice;
    try (Progress bar = new Progress("weight decay", total, "steps")) {
      long[] offset = {0};
      TrainingLoop.Listener steps = new TrainingLoop.Listener() {
        @Override
        public void onStep(long step, long totalSteps, double lr, double momentum, double loss) {
          if (step % 10 == 0 || step == totalSteps - 1) {
            bar.stepTo(offset[0] + step + 1, String.format(Locale.ROOT, "loss %.3f", loss));
          }
        }
      };
      choice = search(search, run, train, heldOut, common, steps, (trial, done, all) -> {
        offset[0] = done * trialSteps;
        o.printf(Locale.ROOT, "  weight decay %-6s seed %d: %s (%.0f s)%n",
            Checks.format(trial.weightDecay()), trial.seed(), trial.diverged() ? "diverged"
                : String.format(Locale.ROOT, "held-out loss %.4f, accuracy %.2f %%", trial.loss(),
                    100 * trial.accuracy()), trial.seconds());
        o.flush();
      });
    }
    o.printf(Locale.ROOT, "weight decay: %s (%s; %.0f s)%n", Checks.format(choice.weightDecay()), choice.reason(),
        choice.seconds());
    o.flush();
    return choice;
  }

  /** The search; every candidate diverging fails the run (exit 1), saying what to do instead. */
  private static WeightDecayChoice search(WeightDecaySearch search, ReferenceRun run, Dataset train, int heldOut,
      DataModelOptions common, TrainingLoop.Listener steps, WeightDecaySearch.Listener trials) {
    try {
      return ReferenceWeightDecaySearch.run(search, run, train, heldOut, common.seed, common.device(), steps, trials);
    } catch (WeightDecaySearch.AllDiverged e) {
      throw new RunFailed("weight-decay search: " + e.getMessage() + "; lower the bounds or give --weight-decay a "
          + "number", e);
    }
  }

  /** The run record's account of the search: the choice, the reason, the cost and every trial. */
  static Map<String, Object> record(WeightDecayChoice choice) {
    List<Map<String, Object>> trials = new ArrayList<>();
    for (WeightDecayTrial t : choice.trials()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("weight_decay", t.weightDecay());
      m.put("seed", t.seed());
      m.put("heldout_loss", t.loss());
      m.put("heldout_accuracy", t.accuracy());
      m.put("seconds", t.seconds());
      trials.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("chosen", choice.weightDecay());
    m.put("reason", choice.reason());
    m.put("criterion", WeightDecaySearch.DEFAULT_CRITERION.words());
    m.put("seconds", choice.seconds());
    m.put("trial_epochs", TRIAL_EPOCHS);
    m.put("trials", trials);
    return m;
  }

  /** weight-decay.csv: one line per trial, the chosen value marked. */
  static void csv(WeightDecayChoice choice, Writer w) throws IOException {
    w.write("weight_decay,seed,heldout_loss,heldout_accuracy,seconds,chosen\n");
    for (WeightDecayTrial t : choice.trials()) {
      w.write(t.weightDecay() + "," + t.seed() + "," + t.loss() + "," + t.accuracy() + "," + t.seconds() + ","
          + (t.weightDecay() == choice.weightDecay()) + "\n");
    }
  }
}
