extension Array where Element == Double {
  /// The first index whose value is at or after `value`, by bisection, in an increasing array (such as output
  /// times in minutes); `count` when every value is before it.
  func firstIndex(atOrAfter value: Double) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if self[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
  }
}
