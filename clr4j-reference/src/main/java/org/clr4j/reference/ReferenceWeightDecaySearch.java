package org.clr4j.reference;

import ai.djl.Device;
import java.util.Arrays;
import java.util.List;
import org.clr4j.Checks;
import org.clr4j.data.Dataset;
import org.clr4j.data.TrainTest;
import org.clr4j.djl.train.EpochResult;
import org.clr4j.djl.train.TrainingDivergedException;
import org.clr4j.djl.train.TrainingLoop;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.tuning.WeightDecayChoice;
import org.clr4j.tuning.WeightDecaySearch;

/**
 * A {@link WeightDecaySearch} on a reference model: each trial trains a fresh model with the trial schedule (1cycle
 * over the trial's steps, say) on the training data minus a held-out part, and reports its loss and accuracy on
 * that part.
 * The held-out samples are chosen by the seed and are the same for every trial, so the trials differ only in weight
 * decay and seed; the test set is never looked at.
 */
public final class ReferenceWeightDecaySearch {
  /** Training samples held out for the trials' accuracy, at most: a sixth of the training set when that is less. */
  public static final int DEFAULT_HELD_OUT = 10_000;
  private static final long HOLD_OUT_SALT = 0x5EEDD3CA7L;

  private ReferenceWeightDecaySearch() {}

  /** The training samples held out of {@code trainSize} for a {@code heldOut} request: at most a sixth. */
  public static int heldOut(int trainSize, int heldOut) {
    Checks.atLeast("heldOut", heldOut, 1);
    return Math.max(1, Math.min(heldOut, trainSize / 6));
  }

  /** Steps per epoch of a trial: the training samples left after the hold-out, in whole batches and a last part. */
  public static long trialStepsPerEpoch(int trainSize, int heldOut, int batchSize) {
    Checks.atLeast("batchSize", batchSize, 1);
    return ((long) trainSize - heldOut(trainSize, heldOut) + batchSize - 1) / batchSize;
  }

  /**
   * Runs {@code search}: a trial per candidate and seed, each {@code run}'s settings (model, batch size, epochs,
   * schedule, optimizer; its weight decay and seed are the trial's) on {@code train} less {@code heldOut} samples.
   *
   * @param heldOut samples held out for the trials' accuracy; see {@link #heldOut}
   * @param seed the first trial seed, also the one that picks the held-out samples
   * @param device where to train (null: the engine's default)
   * @param listener follows each trial's steps (nullable)
   * @param trials follows the trials (nullable)
   */
  public static WeightDecayChoice run(WeightDecaySearch search, ReferenceRun run, Dataset train, int heldOut,
      long seed, Device device, TrainingLoop.Listener listener, WeightDecaySearch.Listener trials) {
    Checks.notNull("search", search);
    Checks.notNull("run", run);
    Checks.notNull("train", train);
    int held = heldOut(train.size(), heldOut);
    int[] order = new EpochOrder(train.size(), seed ^ HOLD_OUT_SALT).order(0);
    TrainTest split = new TrainTest(
        train.select(Arrays.copyOfRange(order, held, order.length), train.name() + " (weight-decay trials)"),
        train.select(Arrays.copyOf(order, held), train.name() + " (held out)"));
    return search.run((wd, trialSeed) -> {
      ReferenceRun trial = new ReferenceRun(run.model(), run.batchSize(), run.epochs(), run.schedule(),
          run.optimizer().withWeightDecay(wd), trialSeed, Double.NaN, run.evalBatchSize(), null);
      try {
        List<EpochResult> epochs =
            new ReferenceTraining(trial, split, device, listener).run(TrainingLoop.Resume.NO).epochs();
        EpochResult last = epochs.get(epochs.size() - 1);
        return new WeightDecaySearch.Outcome(last.testLoss(), last.testAccuracy());
      } catch (TrainingDivergedException e) {
        return WeightDecaySearch.Outcome.DIVERGED;
      }
    }, seed, trials);
  }
}
