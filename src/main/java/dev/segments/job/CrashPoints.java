package dev.segments.job;

import java.util.HashSet;
import java.util.Set;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Fault injection for the crash tests: with the system property {@code segments.crash-at} set, the
 * process halts at that point exactly as {@code kill -9} would stop it (no finally blocks, no
 * shutdown hooks, the lock file left behind). Points: {@code during-write:TABLE} (after the first
 * data file of that table's write, before its commit), {@code after-write:TABLE},
 * {@code before-publish}, {@code after-publish}. Unset, every call is a no-op.
 */
final class CrashPoints {
  static final String PROPERTY = "segments.crash-at";
  static final int KILLED = 137;

  private CrashPoints() {}

  static void at(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      System.err.println("segments: crash point " + point + " reached; halting");
      Runtime.getRuntime().halt(KILLED);
    }
  }

  /** The job group a table's write runs under, so the listener can tell its tasks apart. */
  static String writeGroup(String table) {
    return "segments-write-" + table;
  }

  /** Arms the during-write point: halts when a task of that table's write has finished. */
  static void arm(SparkSession spark) {
    String point = System.getProperty(PROPERTY);
    if (point == null || !point.startsWith("during-write:")) {
      return;
    }
    String group = writeGroup(point.substring("during-write:".length()));
    Set<Integer> stages = java.util.Collections.synchronizedSet(new HashSet<>());
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onJobStart(SparkListenerJobStart start) {
                String jobGroup = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
                if (group.equals(jobGroup)) {
                  scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())
                      .forEach(id -> stages.add((Integer) id));
                }
              }

              @Override
              public void onTaskEnd(SparkListenerTaskEnd end) {
                if (stages.contains(end.stageId())) {
                  System.err.println("segments: crash point " + point + " reached; halting");
                  Runtime.getRuntime().halt(KILLED);
                }
              }
            });
  }
}
