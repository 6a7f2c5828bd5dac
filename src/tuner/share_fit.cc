#include "tuner/share_fit.h"

#include <algorithm>
#include <set>

namespace sweetspot::tuner {

std::optional<ShareFit> fit_share_response(std::span<const ShareSample> samples) {
  std::set<double> shares;
  double sw = 0, sx = 0, sy = 0;
  for (const auto& s : samples) {
    if (s.share <= 0 || s.weight <= 0) continue;
    const double x = 1 / std::min(s.share, 1.0);
    shares.insert(std::min(s.share, 1.0));
    sw += s.weight;
    sx += s.weight * x;
    sy += s.weight * s.ms;
  }
  if (shares.size() < 2) return std::nullopt;
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0, syy = 0, sxx0 = 0, sxy0 = 0;
  for (const auto& s : samples) {
    if (s.share <= 0 || s.weight <= 0) continue;
    const double x = 1 / std::min(s.share, 1.0);
    sxx += s.weight * (x - mx) * (x - mx);
    sxy += s.weight * (x - mx) * (s.ms - my);
    syy += s.weight * (s.ms - my) * (s.ms - my);
    sxx0 += s.weight * x * x;
    sxy0 += s.weight * x * s.ms;
  }
  double b = sxx > 0 ? sxy / sxx : 0;
  double a = my - b * mx;
  if (b < 0) {
    b = 0;
    a = my;
  } else if (a < 0) {
    a = 0;
    b = sxx0 > 0 ? sxy0 / sxx0 : 0;
  }
  double ss_res = 0;
  for (const auto& s : samples) {
    if (s.share <= 0 || s.weight <= 0) continue;
    const double r = s.ms - (a + b / std::min(s.share, 1.0));
    ss_res += s.weight * r * r;
  }
  return ShareFit{a, b, syy > 0 ? std::clamp(1.0 - ss_res / syy, 0.0, 1.0) : 0};
}

}  // namespace sweetspot::tuner
