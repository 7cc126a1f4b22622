export {
  type AddItemRequest,
  addItem,
  applyCartDiscount,
  applyLineDiscount,
  type Cart,
  type CartLine,
  type CartOutcome,
  type CartRefusal,
  type CatalogItem,
  type CatalogLookup,
  cartLinesMax,
  changeQuantity,
  createCart,
  lineQuantityMax,
  removeCartDiscount,
  removeLine,
  removeLineDiscount,
} from './cart';
export { type CartLineTotals, type CartTotals, cartDiscountBase, cartTotals, lineGross } from './cart-totals';
export {
  checkDiscount,
  type Discount,
  type DiscountPermission,
  type DiscountRefusal,
  discountAmount,
} from './discount';
