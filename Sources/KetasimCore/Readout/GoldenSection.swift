/// Golden-section search for the minimum of a unimodal function.
enum GoldenSection {
  /// The minimiser of `f` on `[low, high]`, to within `tolerance`.
  ///
  /// When `f` is not unimodal on the interval the result is a local minimum.
  static func minimum(_ low: Double, _ high: Double, tolerance: Double, _ f: (Double) -> Double) -> Double {
    let ratio = (5.0.squareRoot() - 1) / 2
    var a = low
    var b = high
    var c = b - ratio * (b - a)
    var d = a + ratio * (b - a)
    var fc = f(c)
    var fd = f(d)
    while b - a > tolerance {
      if fc <= fd {
        b = d
        d = c
        fd = fc
        c = b - ratio * (b - a)
        fc = f(c)
      } else {
        a = c
        c = d
        fc = fd
        d = a + ratio * (b - a)
        fd = f(d)
      }
    }
    return (a + b) / 2
  }
}
