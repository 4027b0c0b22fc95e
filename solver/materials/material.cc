#include <core/input_error.h>
#include <materials/material.h>

#include <cmath>

namespace septa
{
  double
  get_positive(dealii::ParameterHandler &prm,
               const std::string        &entry,
               const std::string        &where,
               const std::string        &unit,
               const bool                allow_zero)
  {
    const double value = prm.get_double(entry);
    require_input(allow_zero ? value >= 0.0 : value > 0.0,
                  where + "/" + entry,
                  prm.get(entry),
                  std::string(allow_zero ? "a non-negative" : "a positive") +
                    " value" + (unit.empty() ? "" : " in " + unit));
    return value;
  }


  namespace kinematics
  {
    SymmetricTensor<4, 3>
    deviatoric_projector()
    {
      return dealii::identity_tensor<3>() -
             1.0 / 3.0 *
               dealii::outer_product(dealii::unit_symmetric_tensor<3>(),
                                     dealii::unit_symmetric_tensor<3>());
    }


    void
    isochoric_push(const SymmetricTensor<2, 3> &tau_bar,
                   const SymmetricTensor<4, 3> &Jc_bar,
                   MaterialOutput              &out)
    {
      static const SymmetricTensor<4, 3> P = deviatoric_projector();
      static const SymmetricTensor<2, 3> I = dealii::unit_symmetric_tensor<3>();
      out.tau                              = P * tau_bar;
      out.Jc = P * Jc_bar * P + (2.0 / 3.0) * trace(tau_bar) * P -
               (2.0 / 3.0) * (dealii::outer_product(out.tau, I) +
                              dealii::outer_product(I, out.tau));
    }


    double
    isochoric_fibre_stretch(const Tensor<2, 3> &F, const Tensor<1, 3> &a0)
    {
      return std::cbrt(1.0 / dealii::determinant(F)) * (F * a0).norm();
    }
  } // namespace kinematics
} // namespace septa
