#include <materials/material.h>

namespace septa
{
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
  } // namespace kinematics
} // namespace septa
