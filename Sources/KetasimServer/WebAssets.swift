/// The page of `ketasim serve` (`Sources/KetasimServer/Page`), embedded at
/// build time by the `EmbedWebAssets` plugin: `files` holds each file's
/// text, the path it is served at and its content type.
enum WebAssets {}
