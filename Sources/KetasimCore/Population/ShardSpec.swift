import Foundation

/// One of `count` contiguous slices of a population's subjects.
///
/// Shard `k` of `n` (1-based) over `S` subjects runs subjects
/// `⌊(k−1)·S/n⌋ + 1 … ⌊k·S/n⌋`: every subject is in exactly one shard, and
/// slices differ in size by at most one.
public struct ShardSpec: Sendable, Equatable {
  public let index: Int
  public let count: Int

  /// The whole population as one shard.
  public static let whole = ShardSpec(uncheckedIndex: 1, count: 1)

  init(uncheckedIndex index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Parses `K/N` with `1 ≤ K ≤ N ≤ 1,000,000`.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 1_000_000, k >= 1, k <= n
    else {
      throw KetasimError.invalidValue("shard", text, accepted: "K/N with 1 <= K <= N, such as 3/8")
    }
    self.init(uncheckedIndex: k, count: n)
  }

  /// The 1-based subject numbers of this shard out of `total`.
  ///
  /// - Precondition: `total ≥ count` (every shard has a subject).
  public func subjects(of total: Int) -> ClosedRange<Int> {
    precondition(total >= count, "more shards (\(count)) than subjects (\(total))")
    return ((index - 1) * total / count + 1)...(index * total / count)
  }
}
