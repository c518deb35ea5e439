package org.clr4j.dl4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A listener that Spark ships to the workers and that records, for every step a worker takes, the rate the step
 * actually applied, measured from the parameters: with plain SGD and no regularization a step is {@code −lr·g/n},
 * so {@code lr = n·(Δw·g)/(g·g)}, g being the summed gradient DL4J hands {@code onGradientCalculation} before the
 * updater runs. Local mode only: the records go to a static queue of the one JVM.
 */
final class RateRecorder extends BaseTrainingListener implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One worker step: Spark task (attempt) and partition, DL4J's iteration and epoch counts, the applied rate. */
  record Step(long taskAttempt, int partition, int iteration, int epoch, double appliedLr) {}

  static final ConcurrentLinkedQueue<Step> STEPS = new ConcurrentLinkedQueue<>();

  private transient INDArray paramsBefore;
  private transient INDArray gradient;

  static List<Step> drain() {
    List<Step> steps = new ArrayList<>();
    Step s;
    while ((s = STEPS.poll()) != null) {
      steps.add(s);
    }
    return steps;
  }

  @Override
  public void onGradientCalculation(Model model) {
    paramsBefore = model.params().dup();
    gradient = model.gradient().gradient().dup();
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    INDArray step = paramsBefore.sub(model.params());
    double n = model.batchSize();
    double lr = n * step.mul(gradient).sumNumber().doubleValue() / gradient.mul(gradient).sumNumber().doubleValue();
    TaskContext task = TaskContext.get();
    STEPS.add(new Step(task.taskAttemptId(), task.partitionId(), iteration, epoch, lr));
  }
}
