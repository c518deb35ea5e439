package org.clr4j.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.Objects;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.schedule.Schedule;

/**
 * A DJL training listener that records, for every training batch, the learning rate and momentum of the step and
 * the batch's loss, so a user of {@code EasyTrain.fit} can log and plot the schedule:
 *
 * <pre>{@code
 * ScheduleRecorder recorder = ScheduleRecorder.of(optimizer);
 * config.addTrainingListeners(recorder);
 * EasyTrain.fit(trainer, epochs, trainSet, testSet);
 * recorder.log().writeCsv(writer);   // step,lr,momentum,loss,samples_per_second
 * }</pre>
 *
 * <p>Rates come from the schedule at the step the optimizer is about to apply ({@link ScheduledOptimizer#nextStep()}:
 * DJL notifies listeners after the backward pass and before {@code trainer.step()}), or, for DJL's own optimizers
 * with a {@link org.clr4j.djl.ScheduleTracker}, from a count of batches since the recorder was made. Momentum is the
 * schedule's (NaN where it sets none). The loss is the trainer's loss on the batch's predictions, averaged over
 * devices by batch share. Samples per second count from the previous batch's notification.
 */
public final class ScheduleRecorder extends TrainingListenerAdapter {
  private final ScheduledOptimizer optimizer;
  private final Schedule schedule;
  private final StepLog log = new StepLog();
  private long batches;
  private long lastNanos = -1;

  private ScheduleRecorder(ScheduledOptimizer optimizer, Schedule schedule) {
    this.optimizer = optimizer;
    this.schedule = schedule;
  }

  /** Records the rates {@code optimizer} applies. */
  public static ScheduleRecorder of(ScheduledOptimizer optimizer) {
    Objects.requireNonNull(optimizer, "optimizer");
    return new ScheduleRecorder(optimizer, optimizer.schedule());
  }

  /** Records {@code schedule} at step 0, 1, 2, ... of the batches seen (e.g. with a {@code ScheduleTracker}). */
  public static ScheduleRecorder of(Schedule schedule) {
    return new ScheduleRecorder(null, Objects.requireNonNull(schedule, "schedule"));
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    long step = optimizer != null ? optimizer.nextStep() : batches;
    batches++;
    double lossSum = 0;
    long samples = 0;
    for (Map.Entry<Device, NDList> e : batchData.getPredictions().entrySet()) {
      NDList labels = batchData.getLabels().get(e.getKey());
      long n = labels.head().getShape().get(0);
      lossSum += trainer.getLoss().evaluate(labels, e.getValue()).getFloat() * (double) n;
      samples += n;
    }
    long now = System.nanoTime();
    float seconds = lastNanos < 0 ? Float.NaN : (now - lastNanos) / 1e9f;
    lastNanos = now;
    int size = batchData.getBatch().getSize();
    log.add(schedule.valueAt(step), schedule.momentumAt(step), (float) (samples == 0 ? Double.NaN
        : lossSum / samples), seconds, size);
  }

  /** What was recorded, one entry per training batch. */
  public StepLog log() {
    return log;
  }

  /** Writes {@link #log()} as CSV: {@code step,lr,momentum,loss,samples_per_second}. */
  public void writeCsv(Writer out) throws IOException {
    log.writeCsv(out);
  }
}
