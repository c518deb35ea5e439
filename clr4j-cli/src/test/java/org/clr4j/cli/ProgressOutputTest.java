package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressOutputTest {
  @Test
  void offATerminalTheBarIsAFewPlainLinesAndItsLastState() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressOutput.Lines lines = new ProgressOutput.Lines(out, 80, 60_000_000_000L);
    lines.accept("\rtrain  0% [   ] 0/3");
    lines.accept("\rtrain 33% [=  ] 1/3");
    lines.accept("\rtrain 66% [== ] 2/3");
    lines.close();
    assertEquals(List.of("train  0% [   ] 0/3", "train 66% [== ] 2/3"),
        bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void everyUpdateIsALineWhenTheIntervalHasPassed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressOutput.Lines lines = new ProgressOutput.Lines(new PrintStream(bytes, true, StandardCharsets.UTF_8), 80, 0);
    lines.accept("a");
    lines.accept("b");
    lines.close();
    assertEquals(List.of("a", "b"), bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
