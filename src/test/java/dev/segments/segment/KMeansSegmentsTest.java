package dev.segments.segment;

import static dev.segments.TestSpark.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.clean.Cleaner;
import dev.segments.compare.Agreement;
import dev.segments.config.ConfigLoader;
import dev.segments.config.SegmentsConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class KMeansSegmentsTest {
  static final StructType FEATURES =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("recency_days", DataTypes.IntegerType)
          .add("frequency", DataTypes.LongType)
          .add("monetary", Cleaner.MONEY_TYPE)
          .add("avg_order_value", Cleaner.MONEY_TYPE)
          .add("return_rate", DataTypes.DoubleType)
          .add("tenure_days", DataTypes.IntegerType);

  private static SegmentsConfig.KMeans kmeans(String yaml) {
    return ConfigLoader.parse("columns: {customer-id: c, timestamp: t, line-amount: a}\nkmeans: " + yaml).kmeans();
  }

  /** Three planted groups far apart in recency, log frequency and log monetary. */
  static Map<String, String> planted(List<Object[]> out, int perGroup, long seed) {
    Random random = new Random(seed);
    Map<String, String> truth = new HashMap<>();
    int[][] centres = {{10, 40, 20000}, {200, 3, 300}, {400, 1, 20}};
    for (int g = 0; g < centres.length; g++) {
      for (int i = 0; i < perGroup; i++) {
        String id = "g" + g + "-" + i;
        int recency = Math.max(0, (int) (centres[g][0] * (1 + 0.1 * random.nextGaussian())));
        long frequency = Math.max(1, Math.round(centres[g][1] * (1 + 0.1 * random.nextGaussian())));
        double monetary = centres[g][2] * Math.exp(0.1 * random.nextGaussian());
        BigDecimal money = BigDecimal.valueOf(Math.round(monetary * 100), 2);
        out.add(new Object[] {id, recency, frequency, money, money, 0.0, recency + 30});
        truth.put(id, "g" + g);
      }
    }
    return truth;
  }

  @Test
  void silhouetteSearchFindsThePlantedGroups() {
    List<Object[]> data = new ArrayList<>();
    Map<String, String> truth = planted(data, 60, 3);
    KMeansSegments.Result result =
        KMeansSegments.fit(
            rows(FEATURES, data.toArray(Object[][]::new)), data.size(), kmeans("{k-min: 2, k-max: 6}"), List.of());
    assertThat(result.status()).isEqualTo("fitted");
    assertThat(result.tried()).extracting(KMeansSegments.KScore::k).containsExactly(2, 3, 4, 5, 6);
    assertThat(result.k()).isEqualTo(3);
    Agreement.Table table = new Agreement.Table();
    for (Row r : result.assignments().collectAsList()) {
      table.add(truth.get(r.getString(0)), String.valueOf(r.getInt(1)), 1);
    }
    assertThat(Agreement.adjustedRandIndex(table)).isGreaterThanOrEqualTo(0.9);
    // Numbered by value: cluster 1 is the high-spending group.
    KMeansSegments.ClusterProfile first = result.profiles().get(0);
    assertThat(first.clusterId()).isEqualTo(1);
    assertThat(first.monetary()).isGreaterThan(10_000);
    assertThat(first.name()).startsWith("high value");
    assertThat(result.profiles()).allSatisfy(p -> assertThat(p.silhouette()).isBetween(-1.0, 1.0));
  }

  @Test
  void bisectingIsSelectableAndAlsoRecoversThem() {
    List<Object[]> data = new ArrayList<>();
    Map<String, String> truth = planted(data, 40, 5);
    KMeansSegments.Result result =
        KMeansSegments.fit(
            rows(FEATURES, data.toArray(Object[][]::new)), data.size(), kmeans("{k: 3, algorithm: bisecting}"), List.of());
    Agreement.Table table = new Agreement.Table();
    for (Row r : result.assignments().collectAsList()) {
      table.add(truth.get(r.getString(0)), String.valueOf(r.getInt(1)), 1);
    }
    assertThat(result.algorithm()).isEqualTo("bisecting");
    assertThat(Agreement.adjustedRandIndex(table)).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void clustersKeepTheirIdsAndNamesWhenTheDataMovesALittle() {
    List<Object[]> data = new ArrayList<>();
    planted(data, 50, 7);
    Dataset<Row> first = rows(FEATURES, data.toArray(Object[][]::new));
    KMeansSegments.Result before = KMeansSegments.fit(first, data.size(), kmeans("{k: 3}"), List.of());
    // Pretend the previous run named the clusters differently; a close match keeps them.
    List<KMeansSegments.ClusterProfile> renamed = new ArrayList<>();
    for (KMeansSegments.ClusterProfile p : before.profiles()) {
      renamed.add(
          new KMeansSegments.ClusterProfile(
              10 + p.clusterId(), "kept " + p.clusterId(), p.customers(), p.recencyDays() * 1.02,
              p.frequency(), p.monetary() * 0.98, p.revenue(), p.silhouette()));
    }
    List<Object[]> moved = new ArrayList<>();
    planted(moved, 50, 8);
    KMeansSegments.Result after =
        KMeansSegments.fit(rows(FEATURES, moved.toArray(Object[][]::new)), moved.size(), kmeans("{k: 3}"), renamed);
    assertThat(after.profiles())
        .extracting(KMeansSegments.ClusterProfile::clusterId)
        .containsExactlyInAnyOrder(11, 12, 13);
    for (KMeansSegments.ClusterProfile p : after.profiles()) {
      assertThat(p.name()).isEqualTo("kept " + (p.clusterId() - 10));
    }
  }

  @Test
  void degenerateDataIsSkippedWithAStatus() {
    Object[] one = {"a", 5, 2L, new BigDecimal("10.00"), new BigDecimal("5.00"), 0.0, 30};
    KMeansSegments.Result single = KMeansSegments.fit(rows(FEATURES, one), 1, kmeans("{k: 3}"), List.of());
    assertThat(single.fitted()).isFalse();
    assertThat(single.status()).isEqualTo("skipped: 1 distinct customer profile, fewer than k=3");
    Object[] same = {"b", 5, 2L, new BigDecimal("10.00"), new BigDecimal("5.00"), 0.0, 30};
    Object[] other = {"c", 9, 1L, new BigDecimal("1.00"), new BigDecimal("1.00"), 0.0, 30};
    KMeansSegments.Result two = KMeansSegments.fit(rows(FEATURES, one, same, other), 3, kmeans("{k: 3}"), List.of());
    assertThat(two.status()).isEqualTo("skipped: 2 distinct customer profiles, fewer than k=3");
  }
}
